namespace VulnPlatform.Web.Sessions;

/// <summary>
/// Every answer of the web client: a strict Content-Security-Policy — scripts, styles, images and
/// fonts only from the platform itself, no inline script or style, forms only to the platform — no
/// framing, no referrer, and no caching of pages (they show personal data and report contents).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        var path = context.Request.Path.Value ?? "/";
        if (!path.StartsWith("/css/", StringComparison.Ordinal) && !path.StartsWith("/js/", StringComparison.Ordinal) && !path.StartsWith("/img/", StringComparison.Ordinal))
        {
            headers.CacheControl = "no-store";
        }
        return next(context);
    }
}
