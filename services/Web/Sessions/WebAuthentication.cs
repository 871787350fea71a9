using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace VulnPlatform.Web.Sessions;

/// <summary>
/// Sign-in as a backend for the browser: Identity's OIDC code flow with PKCE as the confidential
/// client <c>vulnplatform-web</c>; the tokens stay in the server-side session; the browser holds an
/// <c>HttpOnly</c>, <c>Secure</c>, <c>SameSite=Lax</c> <c>__Host-</c> cookie with the session's id.
/// Access tokens are refreshed with the refresh token shortly before they expire; a refused
/// refresh ends the session.
/// </summary>
public static class WebAuthentication
{
    public const string Session = "web-session";
    public const string Oidc = "oidc";
    public const string FollowUpScheme = "follow-up";

    public static IServiceCollection AddWebAuthentication(this IServiceCollection services, WebOptions web, Uri publicOrigin)
    {
        services.AddSingleton<ServerSessions>();
        services.AddOptions<CookieAuthenticationOptions>(Session).Configure<ServerSessions>((cookie, store) => cookie.SessionStore = store);
        services.AddOptions<CookieAuthenticationOptions>(FollowUpScheme).Configure<ServerSessions>((cookie, store) => cookie.SessionStore = store);
        services.AddOptions<OpenIdConnectOptions>(Oidc).Configure<IOptions<WebOptions>>((oidc, options) =>
            oidc.BackchannelHttpHandler = Gateway.GatewayClient.BackchannelHandler(options, publicOrigin));

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = Session;
                options.DefaultChallengeScheme = Oidc;
            })
            .AddCookie(Session, cookie =>
            {
                CookieHardening.Harden(cookie, "__Host-vp-web");
                cookie.ExpireTimeSpan = web.SessionLifetime;
                cookie.LoginPath = "/signin";
                cookie.AccessDeniedPath = "/denied";
                cookie.Events.OnValidatePrincipal = RefreshAsync;
            })
            .AddCookie(FollowUpScheme, cookie =>
            {
                CookieHardening.Harden(cookie, "__Host-vp-follow-up");
                cookie.ExpireTimeSpan = web.FollowUpLifetime;
                cookie.LoginPath = "/follow-up";
            })
            .AddOpenIdConnect(Oidc, oidc =>
            {
                oidc.SignInScheme = Session;
                oidc.Authority = publicOrigin.AbsoluteUri;
                if (web.MetadataAddress is { } metadata) oidc.MetadataAddress = metadata.AbsoluteUri;
                oidc.ClientId = web.ClientId;
                oidc.ClientSecret = web.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.UsePkce = true;
                oidc.SaveTokens = true;
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "roles", "offline_access" }) oidc.Scope.Add(scope);
                oidc.TokenValidationParameters.NameClaimType = "email";
                oidc.TokenValidationParameters.RoleClaimType = "role";
                oidc.CallbackPath = "/signin-oidc";
                oidc.SignedOutCallbackPath = "/signout-callback-oidc";
                oidc.SignedOutRedirectUri = "/";
                oidc.CorrelationCookie.Name = "__Host-vp-web-correlation.";
                oidc.CorrelationCookie.Path = "/";
                oidc.NonceCookie.Name = "__Host-vp-web-nonce.";
                oidc.NonceCookie.Path = "/";
                oidc.UseTokenLifetime = false;
            });
        return services;
    }

    /// <summary>Refreshes the access token a minute before it expires; ends the session when Identity refuses.</summary>
    private static async Task RefreshAsync(CookieValidatePrincipalContext context)
    {
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (!DateTimeOffset.TryParse(context.Properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
            || expiresAt > time.GetUtcNow().AddMinutes(1))
        {
            return;
        }
        var refreshToken = context.Properties.GetTokenValue("refresh_token");
        var oidc = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(Oidc);
        if (refreshToken is null || oidc.ConfigurationManager is null)
        {
            await RejectAsync(context);
            return;
        }
        var configuration = await oidc.ConfigurationManager.GetConfigurationAsync(context.HttpContext.RequestAborted);
        using var response = await oidc.Backchannel.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = oidc.ClientId!, ["client_secret"] = oidc.ClientSecret!,
        }), context.HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            await RejectAsync(context);
            return;
        }
        var tokens = new OpenIdConnectMessage(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
        context.Properties.UpdateTokenValue("access_token", tokens.AccessToken);
        if (!string.IsNullOrEmpty(tokens.RefreshToken)) context.Properties.UpdateTokenValue("refresh_token", tokens.RefreshToken);
        if (int.TryParse(tokens.ExpiresIn, CultureInfo.InvariantCulture, out var seconds))
        {
            context.Properties.UpdateTokenValue("expires_at", time.GetUtcNow().AddSeconds(seconds).ToString("o", CultureInfo.InvariantCulture));
        }
        context.ShouldRenew = true;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Session);
    }

    public static bool IsStaff(this ClaimsPrincipal user) => user.IsInRole("analyst") || user.IsInRole("coordinator") || user.IsInRole("admin");
}
