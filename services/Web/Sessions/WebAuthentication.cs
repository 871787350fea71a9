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
/// Access tokens are refreshed with the refresh token shortly before they expire (once per session);
/// a refused refresh, or a token Identity no longer honours, ends the session.
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
                cookie.Events.OnValidatePrincipal = ValidateAsync;
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

    /// <summary>
    /// Every request of a signed-in session: the access token is refreshed shortly before it expires (the
    /// token endpoint refuses a refresh token from before a password change, the second factor turned off, …);
    /// otherwise Identity's userinfo endpoint is asked whether the token still stands (the account's
    /// security stamp). A refusal ends the session here and now; Identity out of reach leaves it as it is.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var time = services.GetRequiredService<TimeProvider>();
        var refreshBefore = services.GetRequiredService<IOptions<WebOptions>>().Value.RefreshBefore;
        var oidc = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(Oidc);
        if (oidc.ConfigurationManager is null || context.Properties.GetTokenValue("access_token") is not { } accessToken)
        {
            await RejectAsync(context);
            return;
        }
        if (ExpiresAt(context.Properties) is not { } expiresAt || expiresAt <= time.GetUtcNow() + refreshBefore)
        {
            await RefreshOnceAsync(context, oidc, time);
            return;
        }
        try
        {
            var configuration = await oidc.ConfigurationManager.GetConfigurationAsync(context.HttpContext.RequestAborted);
            using var request = new HttpRequestMessage(HttpMethod.Get, configuration.UserInfoEndpoint);
            request.Headers.Authorization = new("Bearer", accessToken);
            using var response = await oidc.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden) await RejectAsync(context);
        }
        catch (HttpRequestException e)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebAuthentication))
                .LogWarning(e, "Identity could not be asked whether a session still stands; it carries on until its next refresh");
        }
    }

    private static DateTimeOffset? ExpiresAt(AuthenticationProperties properties) =>
        DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    /// <summary>
    /// Refreshes under a lock on the session (a PostgreSQL advisory lock, so across instances): a request that
    /// waited finds the session refreshed by the one before it and takes its tokens, instead of presenting the
    /// spent refresh token — which Identity would take for a replay and answer by revoking the whole family.
    /// </summary>
    private static async Task RefreshOnceAsync(CookieValidatePrincipalContext context, OpenIdConnectOptions oidc, TimeProvider time)
    {
        var services = context.HttpContext.RequestServices;
        var sessions = services.GetRequiredService<ServerSessions>();
        var key = context.Principal?.FindFirst(ServerSessions.KeyClaim)?.Value;
        await using var held = key is null ? null : await sessions.LockAsync(key, context.HttpContext.RequestAborted);
        if (key is not null && await sessions.RetrieveAsync(key) is { } stored && ExpiresAt(stored.Properties) is { } storedExpiry
            && storedExpiry > (ExpiresAt(context.Properties) ?? DateTimeOffset.MinValue))
        {
            // Refreshed meanwhile by another request of the session.
            foreach (var name in new[] { "access_token", "refresh_token", "expires_at" })
            {
                if (stored.Properties.GetTokenValue(name) is { } value) context.Properties.UpdateTokenValue(name, value);
            }
            return;
        }
        var refreshToken = context.Properties.GetTokenValue("refresh_token");
        if (refreshToken is null)
        {
            await RejectAsync(context);
            return;
        }
        var configuration = await oidc.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
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
        // Stored before the lock is let go, so the next request of the session finds the new tokens.
        if (key is not null && context.Principal is { } principal) await sessions.RenewAsync(key, new AuthenticationTicket(principal, context.Properties, Session));
        context.ShouldRenew = true;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Session);
    }

    public static bool IsStaff(this ClaimsPrincipal user) => user.IsInRole("analyst") || user.IsInRole("coordinator") || user.IsInRole("admin");
}
