namespace VulnPlatform.Identity.Sessions;

/// <summary>
/// Headers on every answer of Identity, so the pages are safe even when reached without the
/// gateway: a strict Content-Security-Policy (no script at all, styles and images from Identity
/// itself; QR codes are data: images), no framing, no referrer, and no caching of pages that carry
/// secrets or session state.
/// </summary>
public sealed class PageSecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Path.StartsWithSegments("/account") && !context.Request.Path.Value!.EndsWith(".css") && !context.Request.Path.Value.EndsWith(".svg")
            || context.Request.Path.StartsWithSegments("/connect"))
        {
            headers.CacheControl = "no-store";
        }
        return next(context);
    }
}
