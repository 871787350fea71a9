using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Gateway;

public static class GatewayModule
{
    /// <summary>Route metadata value that sizes a route's body limit from the shared attachment limits.</summary>
    public const string AttachmentsLimit = "Attachments";

    public const string CorsPolicy = "web-clients";

    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.AddGatewayRateLimits();
        // The client's address (rate limits, logs) from X-Forwarded-For, only when the request comes
        // from a proxy the gateway trusts (Gateway:TrustedProxies, addresses or networks; loopback always): the ingress
        // in front of it, and the web client, which calls the APIs for the browser it serves.
        builder.Services.TrustForwardedFor(builder.Configuration, "Gateway:TrustedProxies", forwardLimit: 2); // browser → ingress → gateway → web client → gateway
        // Tokens are checked at the door too (each service checks them again): routes name their
        // policy in configuration (AuthorizationPolicy), the token is forwarded unchanged.
        builder.AddPlatformAuthentication(serviceAudience: PlatformAccess.UserAudience);
        builder.Services.Configure<SecurityTxtOptions>(builder.Configuration.GetSection(SecurityTxtOptions.Section));
        builder.Services.Configure<AttachmentLimits>(builder.Configuration.GetSection(AttachmentLimits.Section));
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<DestinationHealth>();
        // Cross-origin calls only from the web clients configured (Gateway:Cors:Origins); the platform's
        // own web client is served from the same origin and needs none. Credentials are never allowed:
        // APIs take bearer tokens, not cookies.
        var origins = builder.Configuration.GetSection("Gateway:Cors:Origins").Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "If-Match", "X-Follow-Up-Token", "Accept-Language", "traceparent")
            .WithExposedHeaders("ETag", "Location", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        builder.Services.AddHttpClient(BackendHealth.ClientName, client => client.Timeout = TimeSpan.FromSeconds(3));
        builder.Services.AddHealthChecks().AddCheck<BackendHealth>("backends", tags: [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            // A reader that takes a 10 MiB download at a trickle holds a socket and its buffers for
            // hours; below this rate (after a grace period) the response is aborted.
            kestrel.Limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 8 * 1024, gracePeriod: TimeSpan.FromSeconds(10));
        });
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
            // The gateway is the platform's only door: it says HTTPS-only even when reached as localhost.
            options.ExcludedHosts.Clear();
        });
        return builder;
    }

    /// <summary>
    /// A route may raise the body limit for itself (route metadata <c>MaxRequestBodyBytes</c>: a number,
    /// or <c>Attachments</c> for the upload limit Intake enforces); every other route keeps the small default.
    /// </summary>
    public static ReverseProxyConventionBuilder WithRouteBodyLimits(this ReverseProxyConventionBuilder proxy, AttachmentLimits attachments) =>
        proxy.ConfigureEndpoints((endpoint, route) =>
        {
            if (route.Metadata?.TryGetValue("MaxRequestBodyBytes", out var value) != true) return;
            long? limit = value == AttachmentsLimit ? attachments.MaxRequestBytes : long.TryParse(value, out var bytes) ? bytes : null;
            if (limit is { } size)
            {
                endpoint.WithMetadata(new RequestSizeLimitAttribute(size));
            }
        });

    /// <summary>
    /// Before anything else answers: plain HTTP only redirects (to the configured public origin,
    /// never to the request's Host), and every HTTPS answer — the body limit's 413 and the rate
    /// limiter's 429 included — carries HSTS and the security headers.
    /// </summary>
    public static WebApplication UseGatewayEdge(this WebApplication app)
    {
        var origin = PublicOrigin.From(app.Configuration);
        app.Use(async (context, next) =>
        {
            if (!context.Request.IsHttps)
            {
                var target = new UriBuilder(origin) { Path = context.Request.Path.Value ?? "/", Query = context.Request.QueryString.Value }.Uri;
                context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                context.Response.Headers.Location = target.AbsoluteUri;
                return;
            }
            // Defaults for every answer, the gateway's own (413, 429, 502) included; a service that
            // sets its own (Identity's pages allow their own style sheet) keeps it: two policies in
            // one header would both apply, and the stricter would break the pages.
            var headers = context.Response.Headers;
            context.Response.OnStarting(() =>
            {
                headers.TryAdd("X-Content-Type-Options", "nosniff");
                headers.TryAdd("X-Frame-Options", "DENY");
                headers.TryAdd("Referrer-Policy", "no-referrer");
                headers.TryAdd("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseHsts();
        app.UseMiddleware<HeaderHygiene>();
        return app;
    }

    /// <summary>
    /// Everything not claimed by a route goes to the web client (its pages and their 404), except
    /// these prefixes: an unknown API path, a service's internal endpoint or an unknown health path
    /// is answered here with a problem and forwarded nowhere.
    /// </summary>
    public static WebApplication MapNotForwarded(this WebApplication app)
    {
        foreach (var prefix in new[] { "/api/{**rest}", "/internal/{**rest}", "/health/{**rest}" })
        {
            app.Map(prefix, (HttpContext context) => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "Not found",
                detail: "Nothing is served at this address.")).ExcludeFromDescription();
        }
        return app;
    }
}
