using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Gateway;

/// <summary>
/// HTTP header values are ASCII (RFC 9110 §5.5 obs-text aside): a request header with any other
/// character is refused here with a clear 400, rather than failing inside the proxy as a 502.
/// </summary>
public sealed class HeaderHygiene(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                if (value is not null && !IsVisibleAscii(value))
                {
                    await problems.WriteAsync(context, StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "Malformed request header",
                        $"The header '{(IsVisibleAscii(name) ? name : "?")}' has characters outside ASCII; header values must be ASCII.");
                    return;
                }
            }
        }
        await next(context);
    }

    private static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' and not '\t' || c > '~') return false;
        }
        return true;
    }
}
