using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Gateway;

/// <summary>
/// Per-client request budgets (configuration section <c>Gateway:RateLimits</c>), attached to routes
/// by their <c>RateLimiterPolicy</c>: anonymous submissions and uploads are cheap to send and costly
/// to keep, so writes get a small budget; reads a larger one. Clients are told when to come back.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimits";
    public const string ReporterWrites = "reporter-writes";
    public const string ReporterReads = "reporter-reads";
    public const string ReporterDownloads = "reporter-downloads";
    public const string SignIn = "sign-in";
    public const string Token = "token";

    public int ReporterWritesPerMinute { get; set; } = 30;
    public int ReporterReadsPerMinute { get; set; } = 300;

    /// <summary>Posts to the sign-in, second-factor and registration pages per client address (guessing is slowed here and by lockout).</summary>
    public int SignInPerMinute { get; set; } = 20;

    /// <summary>Token requests (code exchange, refresh, client credentials) per client address.</summary>
    public int TokenPerMinute { get; set; } = 120;

    /// <summary>Attachment downloads one client may have open at once (each holds a socket and buffers).</summary>
    public int ConcurrentDownloadsPerClient { get; set; } = 2;
}

public static class RateLimits
{
    public static IHostApplicationBuilder AddGatewayRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.Section));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimitOptions.ReporterWrites, http => PerClient(http, o => o.ReporterWritesPerMinute));
            limiter.AddPolicy(RateLimitOptions.ReporterReads, http => PerClient(http, o => o.ReporterReadsPerMinute));
            limiter.AddPolicy(RateLimitOptions.SignIn, http => PerClient(http, o => o.SignInPerMinute));
            limiter.AddPolicy(RateLimitOptions.Token, http => PerClient(http, o => o.TokenPerMinute));
            limiter.AddPolicy(RateLimitOptions.ReporterDownloads, http => RateLimitPartition.GetConcurrencyLimiter(
                ClientKey(http),
                _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = Math.Max(1, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.ConcurrentDownloadsPerClient),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Type = ProblemTypes.TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This client sent too many requests; try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.",
                    },
                });
            };
        });
        return builder;
    }

    // Keyed by the connection's address; behind a load balancer, configure forwarded headers first.
    private static string ClientKey(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerClient(HttpContext http, Func<RateLimitOptions, int> perMinute)
    {
        var permits = Math.Max(1, perMinute(http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value));
        return RateLimitPartition.GetTokenBucketLimiter(
            ClientKey(http),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = permits,
                TokensPerPeriod = permits,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
    }
}
