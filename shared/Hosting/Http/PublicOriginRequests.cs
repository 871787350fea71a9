using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// A service with pages (Identity, the web client) is reached through the gateway, which terminates TLS: every request is treated as made
/// to the platform's public origin, so discovery names the gateway's endpoints, cookies are Secure,
/// and antiforgery accepts the HTTPS the person actually uses. (The forwarded Host is never trusted:
/// the origin comes from configuration.)
/// </summary>
public static class PublicOriginRequests
{
    public static WebApplication UsePublicOriginRequests(this WebApplication app)
    {
        var origin = PublicOrigin.From(app.Configuration);
        var host = new HostString(origin.Authority);
        app.Use((context, next) =>
        {
            context.Request.Scheme = origin.Scheme;
            context.Request.Host = host;
            return next(context);
        });
        return app;
    }
}
