using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.ServiceDefaults.Http;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VulnPlatform.Identity.Sessions;

/// <summary>
/// Two cookies, both HttpOnly, Secure and SameSite=Lax, sealed by data protection: the
/// <see cref="Pending"/> one (10 minutes) proves that the password was right and says what comes
/// next (the code, or enrolling an authenticator); only the <see cref="Session"/> one, issued when
/// every factor the account needs was verified, lets the authorization endpoint issue a code.
/// </summary>
public static class SignInSessions
{
    public const string Session = "vp-session";
    public const string Pending = "vp-pending";
    public const string StageClaim = "vp_stage";
    public const string TwoFactorStage = "two-factor";
    public const string EnrolStage = "enrol";

    public static AuthenticationBuilder AddSignInCookies(this AuthenticationBuilder builder) => builder
        .AddCookie(Session, cookie =>
        {
            cookie.Cookie.Name = "__Host-vp-session";
            Harden(cookie);
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = false;
            cookie.LoginPath = "/account/sign-in";
            cookie.AccessDeniedPath = "/account/sign-in";
        })
        .AddCookie(Pending, cookie =>
        {
            cookie.Cookie.Name = "__Host-vp-pending";
            Harden(cookie);
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(10);
            cookie.SlidingExpiration = false;
            cookie.LoginPath = "/account/sign-in";
        });

    private static void Harden(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.Path = "/";
    }

    public static Task StartSessionAsync(HttpContext context, Account account, IReadOnlyList<string> factors, DateTimeOffset now)
    {
        var identity = new ClaimsIdentity(Session, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id.ToString()));
        identity.AddClaim(new Claim(Claims.AuthenticationTime, now.ToUnixTimeSeconds().ToString()));
        foreach (var factor in factors) identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, factor));
        return Task.WhenAll(
            context.SignOutAsync(Pending),
            context.SignInAsync(Session, new ClaimsPrincipal(identity)));
    }

    public static Task StartPendingAsync(HttpContext context, Account account, string stage)
    {
        var identity = new ClaimsIdentity(Pending, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id.ToString()));
        identity.AddClaim(new Claim(StageClaim, stage));
        return context.SignInAsync(Pending, new ClaimsPrincipal(identity));
    }

    /// <summary>The account id of the pending cookie when it is at <paramref name="stage"/>.</summary>
    public static async Task<Guid?> PendingAccountAsync(HttpContext context, string stage)
    {
        var result = await context.AuthenticateAsync(Pending);
        return result.Succeeded && result.Principal.FindFirst(StageClaim)?.Value == stage
            && Guid.TryParse(result.Principal.FindFirst(Claims.Subject)?.Value, out var id) ? id : null;
    }

    public static async Task<Guid?> SessionAccountAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Session);
        return result.Succeeded && Guid.TryParse(result.Principal.FindFirst(Claims.Subject)?.Value, out var id) ? id : null;
    }

    public static Task EndAsync(HttpContext context) => Task.WhenAll(context.SignOutAsync(Session), context.SignOutAsync(Pending));

    /// <summary>Where to go after a page: a local URL only (never an open redirect).</summary>
    public static string SafeReturn(string? returnUrl) => LocalReturnAddress.Resolve(returnUrl, "/account");
}
