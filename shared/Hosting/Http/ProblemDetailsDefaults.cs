using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VulnPlatform.ServiceDefaults.Http;

public static class ProblemDetailsDefaults
{
    public static IHostApplicationBuilder AddProblemDetailsDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            // Our stable types replace the framework's generic RFC links; explicit types stay.
            if (context.ProblemDetails.Type is null || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                context.ProblemDetails.Type = ProblemTypes.ForStatus(context.ProblemDetails.Status) ?? context.ProblemDetails.Type;
            }
            if (context.ProblemDetails is { Status: 400, Detail: null } and not HttpValidationProblemDetails)
            {
                // A body the framework could not bind: malformed JSON, a wrong type, no body at all.
                context.ProblemDetails.Title = "Malformed request";
                context.ProblemDetails.Detail = context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad
                    ? bad.Message
                    : "The request could not be read: send a JSON object of the documented shape as application/json.";
            }
            if (Activity.Current is { } activity)
            {
                context.ProblemDetails.Extensions["traceId"] = activity.TraceId.ToString();
            }
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        var limits = builder.Configuration.GetSection(RequestLimitOptions.Section);
        builder.Services.Configure<RequestLimitOptions>(limits);
        var maxBody = limits.GetValue(nameof(RequestLimitOptions.MaxBodyBytes), RequestLimitOptions.DefaultMaxBodyBytes);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = maxBody;
            kestrel.AddServerHeader = false; // no product banner on every response
        });
        return builder;
    }

    /// <summary>
    /// Every error leaves as RFC 7807 problem details, whatever produced it. Services answer HEAD
    /// like GET (the gateway passes HEAD on to them instead). Routing runs here, so the body limit
    /// can read the endpoint's own limit.
    /// </summary>
    public static WebApplication UseProblemDetailsDefaults(this WebApplication app, bool answerHeadAsGet = true)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A refused concurrent change is an expected outcome, not an incident: the handler logs
            // it as one line at most, instead of the framework's error entry with a stack trace.
            SuppressDiagnosticsCallback = context => ProblemExceptionHandler.IsExpected(context.Exception,
                context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConflictExceptions>>().Value),
        });
        app.UseStatusCodePages();
        if (answerHeadAsGet)
        {
            app.UseMiddleware<HeadAsGet>();
        }
        app.UseRouting();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseMiddleware<ContentTypeCharsetGuard>();
        return app;
    }
}
