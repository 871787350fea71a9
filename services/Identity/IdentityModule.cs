using System.Globalization;
using FluentValidation;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Localization;
using OpenIddict.Validation.AspNetCore;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.Administering;
using VulnPlatform.Identity.Accounts.Contacting;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.Registering;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.Identity.Accounts.TwoFactor;
using VulnPlatform.Identity.Oidc;
using VulnPlatform.Identity.Sessions;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity;

/// <summary>The marker type of the pages' texts (Resources/Text.resx, Text.zh-CN.resx).</summary>
public sealed class Text;

public static class IdentityModule
{
    public const string ServiceName = "identity";
    public static readonly CultureInfo[] Cultures = PageLocalization.Cultures;

    public static IHostApplicationBuilder AddIdentityService(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(options =>
            {
                options.Events.AddEventTypes(AccountEventTypes.All);
                options.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
                options.Schema.For<Account>().UniqueIndex(a => a.Email);
                options.Schema.For<Sessions.EndedSession>().Index(e => e.ForgetAfter);
                options.Schema.For<SignInThrottle>().Index(t => t.EmailHash);
                options.Schema.For<KnownOrganisation>();
            })
            .AddIntegrationMessaging<IdentityIntegrationEvents>(builder, ServiceName,
                bus => bus.AddConsumer<VendorOrganisationRegisteredConsumer>());
        builder.AddEncryptionAtRest();
        builder.AddOidcProvider();

        var services = builder.Services;
        services.Configure<PasswordOptions>(builder.Configuration.GetSection(PasswordOptions.Section));
        services.Configure<FirstAdminOptions>(builder.Configuration.GetSection(FirstAdminOptions.Section));
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<Authenticators>();
        services.AddSingleton<RecoveryCodes>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<SignInThrottles>();
        services.AddSingleton<IMaintenanceTask, StaleSignInThrottles>();
        // Sign-ins are counted by the client's network: its address as the gateway saw it (X-Forwarded-For
        // from the gateway, on loopback or listed in Identity:TrustedProxies), never as a client claims it.
        services.TrustForwardedFor(builder.Configuration, "Identity:TrustedProxies", forwardLimit: 1);
        services.AddSingleton<EmailConfirmations>();
        services.AddHostedService<FirstAdmin>();
        services.AddServiceOpenApi(builder.Configuration, ServiceName);
        services.AddValidatorsFromAssemblyContaining<CreateAccountValidator>(ServiceLifetime.Singleton);

        services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme).AddSignInCookies();
        services.AddAuthorizationBuilder()
            .AddPolicy(AccountsApi.SignedInPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(AccountsApi.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireRole(Roles.Admin))
            .AddContactReaders();

        services.AddPageLocalization();
        services.AddRazorPages(pages => pages.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute()))
            .AddViewLocalization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-vp-antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        return builder;
    }

    public static WebApplication UseIdentityPages(this WebApplication app)
    {
        app.UseMiddleware<PageSecurityHeaders>();
        app.UseRequestLocalization();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapIdentityEndpoints(this WebApplication app)
    {
        app.MapConnectEndpoints();
        app.MapAccountsApi();
        app.MapAccountContact();
        app.MapServiceOpenApi();
        app.MapLanguageSwitch();
        app.MapRazorPages();
        return app;
    }
}
