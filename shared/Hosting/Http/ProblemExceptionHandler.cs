using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// Turns exceptions that a request's shape can cause into their 4xx problem; anything else is a
/// logged 500 whose body says nothing about the internals.
/// </summary>
public sealed class ProblemExceptionHandler(
    IProblemDetailsService problems, IOptions<ConflictExceptions> conflicts, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Exceptions a request can cause by its shape or timing: answered as 4xx, never logged as errors.</summary>
    public static bool IsExpected(Exception exception, ConflictExceptions conflicts) =>
        exception is BadHttpRequestException or JsonException || conflicts.Matches(exception);

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == 413 ? "Request body too large" : "Malformed request"),
            JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON"),
            _ when conflicts.Value.Matches(exception) =>
                (StatusCodes.Status409Conflict, "The resource was changed by someone else; reload and retry"),
            System.Security.Cryptography.CryptographicException =>
                (StatusCodes.Status500InternalServerError, "Stored data failed its integrity check"),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error"),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        else if (conflicts.Value.Matches(exception))
        {
            logger.LogInformation("Refused a concurrent change to {Path}", context.Request.Path);
        }

        if (context.Response.HasStarted)
        {
            return false;
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Type = exception is System.Security.Cryptography.CryptographicException ? ProblemTypes.IntegrityFailure : null,
            },
        });
    }
}

/// <summary>
/// The exceptions that mean "someone else changed it first" (answered 409): the event store registers
/// its own (<c>AddMartenDefaults</c>), so hosting needs no persistence library.
/// </summary>
public sealed class ConflictExceptions
{
    public List<Type> Types { get; } = [];

    public bool Matches(Exception exception) => Types.Exists(type => type.IsInstanceOfType(exception));
}
