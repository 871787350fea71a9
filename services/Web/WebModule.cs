using System.Globalization;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.Web.Gateway;
using VulnPlatform.Web.Sessions;

namespace VulnPlatform.Web;

/// <summary>The marker type of the pages' texts (Resources/Text.resx, Text.zh-CN.resx).</summary>
public sealed class Text;

public static class WebModule
{
    public static readonly CultureInfo[] Cultures = PageLocalization.Cultures;

    public static IHostApplicationBuilder AddWebClient(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var web = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        services.Configure<WebOptions>(builder.Configuration.GetSection(WebOptions.Section));
        services.Configure<AttachmentLimits>(builder.Configuration.GetSection(AttachmentLimits.Section));
        // A report form without script carries all its files in one post: up to a report's whole allowance.
        var limits = builder.Configuration.GetSection(AttachmentLimits.Section).Get<AttachmentLimits>() ?? new AttachmentLimits();
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes);
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form => form.MultipartBodyLengthLimit = limits.MaxRequestBytes);

        builder.AddMartenDefaults(options =>
        {
            options.Schema.For<WebSession>().Index(s => s.ExpiresAt);
            options.Schema.For<DataProtectionKey>();
        });
        services.AddSingleton<MartenXmlRepository>();
        services.AddDataProtection().SetApplicationName("VulnPlatform.Web");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<MartenXmlRepository>((options, repository) => options.XmlRepository = repository);
        services.AddSharedKeyRingStart();
        services.AddHostedService<ExpiredSessionSweep>();

        services.AddWebAuthentication(web, PublicOrigin.From(builder.Configuration));
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "__Host-vp-web-antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddHttpContextAccessor();
        services.AddHttpClient<GatewayClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<WebOptions>>().Value.GatewayAddress;
                http.Timeout = TimeSpan.FromMinutes(5); // attachments of up to 50 MiB pass through
            })
            .ConfigurePrimaryHttpMessageHandler(sp => GatewayClient.Handler(sp.GetRequiredService<IOptions<WebOptions>>()));

        services.AddPageLocalization();
        services.AddRazorComponents();
        return builder;
    }

    public static WebApplication UseWebClient(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseRequestLocalization();
        app.UseStaticFiles();
        app.UseRouting(); // after the exception handler, so a failure while matching gets the error page too
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapWebEndpoints();
        app.MapRazorComponents<Components.App>();
        return app;
    }
}
