using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Marten;
using Microsoft.AspNetCore.Authentication.Cookies;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.ServiceDefaults.Http;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VulnPlatform.Identity.Sessions;

/// <summary>A session signed out of (its id kept until its cookie would have expired): a copy of the cookie is refused.</summary>
public sealed class EndedSession
{
    public string Id { get; set; } = "";
    public Guid AccountId { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    public DateTimeOffset ForgetAfter { get; set; }
}

/// <summary>
/// Two cookies, both HttpOnly, Secure and SameSite=Lax, sealed by data protection: the
/// <see cref="Pending"/> one (10 minutes) proves that the password was right and says what comes
/// next (the code, or enrolling an authenticator); only the <see cref="Session"/> one, issued when
/// every factor the account needs was verified, lets the authorization endpoint issue a code.
/// The session cookie names its session (<see cref="SessionIdClaim"/>) and the account's security
/// stamp it was issued under (<see cref="GenerationClaim"/>); every request checks both, so signing
/// out, or a change that moves the stamp on, ends copies of the cookie too.
/// </summary>
public static class SignInSessions
{
    public const string Session = "vp-session";
    public const string Pending = "vp-pending";
    public const string StageClaim = "vp_stage";
    public const string TwoFactorStage = "two-factor";
    public const string EnrolStage = "enrol";
    public const string SessionIdClaim = "vp_sid";
    public const string GenerationClaim = "vp_gen";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static AuthenticationBuilder AddSignInCookies(this AuthenticationBuilder builder) => builder
        .AddCookie(Session, cookie =>
        {
            cookie.Cookie.Name = "__Host-vp-session";
            Harden(cookie);
            cookie.ExpireTimeSpan = Lifetime;
            cookie.SlidingExpiration = false;
            cookie.LoginPath = "/account/sign-in";
            cookie.AccessDeniedPath = "/account/sign-in";
            cookie.Events.OnValidatePrincipal = ValidateAsync;
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

    /// <summary>Every request with a session cookie: the account still usable, the cookie of its current security stamp, and its session not signed out of.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
        var account = Guid.TryParse(principal?.FindFirst(Claims.Subject)?.Value, out var id) ? await accounts.FindAsync(id, context.HttpContext.RequestAborted) : null;
        var ended = principal?.FindFirst(SessionIdClaim)?.Value is { } sid
            && await context.HttpContext.RequestServices.GetRequiredService<IDocumentStore>().QuerySession()
                .LoadAsync<EndedSession>(sid, context.HttpContext.RequestAborted) is not null;
        if (account is null || account.Disabled || ended || !IsCurrent(principal!, account))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Session);
        }
    }

    /// <summary>Whether a session cookie's or a token's principal was issued under the account's current security stamp (none: the first).</summary>
    public static bool IsCurrent(ClaimsPrincipal principal, Account account) =>
        (principal.FindFirst(GenerationClaim)?.Value ?? "0") == account.SessionGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Task StartSessionAsync(HttpContext context, Account account, IReadOnlyList<string> factors, DateTimeOffset now)
    {
        var identity = new ClaimsIdentity(Session, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, account.Id.ToString()));
        identity.AddClaim(new Claim(SessionIdClaim, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
        identity.AddClaim(new Claim(GenerationClaim, account.SessionGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture)));
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

    /// <summary>Signs out here and records the session as ended, so a copy of its cookie is refused from now on.</summary>
    public static async Task EndAsync(HttpContext context)
    {
        var current = await context.AuthenticateAsync(Session);
        if (current.Principal?.FindFirst(SessionIdClaim)?.Value is { } sid && Guid.TryParse(current.Principal.FindFirst(Claims.Subject)?.Value, out var accountId))
        {
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession();
            session.Store(new EndedSession { Id = sid, AccountId = accountId, EndedAt = now, ForgetAfter = now + Lifetime });
            session.DeleteWhere<EndedSession>(e => e.ForgetAfter < now);
            await session.SaveChangesAsync(context.RequestAborted);
        }
        await Task.WhenAll(context.SignOutAsync(Session), context.SignOutAsync(Pending));
    }

    /// <summary>
    /// After a change that moved the security stamp on, made in this session: this session carries on under
    /// the new stamp (every other one, and every token from before, is refused).
    /// </summary>
    public static async Task RenewAsync(HttpContext context, Account account)
    {
        var current = await context.AuthenticateAsync(Session);
        if (current.Principal?.Identity is not ClaimsIdentity identity) return;
        var renewed = new ClaimsIdentity(identity.Claims.Where(c => c.Type != GenerationClaim), Session, Claims.Subject, Claims.Role);
        renewed.AddClaim(new Claim(GenerationClaim, account.SessionGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await context.SignInAsync(Session, new ClaimsPrincipal(renewed), current.Properties);
    }

    /// <summary>Where to go after a page: a local URL only (never an open redirect).</summary>
    public static string SafeReturn(string? returnUrl) => LocalReturnAddress.Resolve(returnUrl, "/account");
}
