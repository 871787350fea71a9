using Microsoft.AspNetCore.Http;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>For middleware that refuses a request before any endpoint runs.</summary>
public static class ProblemResponses
{
    public static async Task WriteAsync(this IProblemDetailsService problems, HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Type = type, Title = title, Detail = detail },
        });
    }
}
