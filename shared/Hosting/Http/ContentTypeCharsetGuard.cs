using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// The platform reads text as UTF-8 only. A body declared in another charset (<c>utf-7</c>, an
/// unknown name) is refused with 415 before any reader tries, and fails to bind, which it used to do as a 500.
/// </summary>
public sealed class ContentTypeCharsetGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var contentType = context.Request.ContentType;
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.Charset.HasValue
            && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !media.Charset.Equals("\"utf-8\"", StringComparison.OrdinalIgnoreCase))
        {
            await problems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "Unsupported charset", "Request bodies are read as UTF-8; send charset=utf-8 or no charset.");
            return;
        }
        await next(context);
    }
}

/// <summary>HEAD is answered as GET without a body (RFC 9110 §9.3.2) wherever GET is routed.</summary>
public sealed class HeadAsGet(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }
        context.Request.Method = HttpMethods.Get;
        // The server sends no body for HEAD whatever is written; only the headers leave.
        context.Response.Body = Stream.Null;
        await next(context);
    }
}
