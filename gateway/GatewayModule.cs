using Microsoft.AspNetCore.Mvc;

namespace VulnPlatform.Gateway;

public static class GatewayModule
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.AddGatewayRateLimits();
        builder.Services.Configure<SecurityTxtOptions>(builder.Configuration.GetSection(SecurityTxtOptions.Section));
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

        var httpsPort = builder.Configuration.GetValue("Gateway:HttpsPort", 8443);
        builder.Services.AddHttpsRedirection(options =>
        {
            options.HttpsPort = httpsPort;
            options.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
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
    /// A route may raise the body limit for itself (route metadata <c>MaxRequestBodyBytes</c>), as
    /// attachment uploads do; every other route keeps the small default.
    /// </summary>
    public static ReverseProxyConventionBuilder WithRouteBodyLimits(this ReverseProxyConventionBuilder proxy) =>
        proxy.ConfigureEndpoints((endpoint, route) =>
        {
            if (route.Metadata?.TryGetValue("MaxRequestBodyBytes", out var value) == true && long.TryParse(value, out var limit))
            {
                endpoint.WithMetadata(new RequestSizeLimitAttribute(limit));
            }
        });

    /// <summary>Plain HTTP only redirects; HTTPS answers carry HSTS and the API's security headers.</summary>
    public static WebApplication UseGatewayTransportSecurity(this WebApplication app)
    {
        app.UseHttpsRedirection();
        app.UseHsts();
        app.UseRateLimiter();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            return next(context);
        });
        return app;
    }
}
