using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Sessions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VulnPlatform.Identity.Oidc;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through: it validates the protocol (client,
/// redirect URI, PKCE, scopes); these decide who the person or client is and what the tokens say.
/// </summary>
public static class ConnectEndpoints
{
    public const string VendorOrganisationClaim = "vendor_org";

    public static void MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/connect/token", (Delegate)TokenAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods("/connect/logout", ["GET", "POST"], (Delegate)LogoutAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync).ExcludeFromDescription().DisableAntiforgery();
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, AccountStore accounts, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var accountId = await SignInSessions.SessionAccountAsync(context);
        var account = accountId is { } id ? await accounts.FindAsync(id, cancellationToken) : null;
        var signedInAt = (await context.AuthenticateAsync(SignInSessions.Session)).Principal?.FindFirst(Claims.AuthenticationTime)?.Value;
        var tooOld = request.MaxAge is { } maxAge && long.TryParse(signedInAt, out var at)
            && time.GetUtcNow().ToUnixTimeSeconds() - at > maxAge;

        if (account is null || account.Disabled || !Usable(account) || request.HasPromptValue(PromptValues.Login) || tooOld)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }
            await SignInSessions.EndAsync(context);
            // Back here after the pages: the same request, without prompt=login (or it would loop).
            var parameters = context.Request.HasFormContentType ? context.Request.Form.ToList() : context.Request.Query.ToList();
            parameters.RemoveAll(p => p.Key == Parameters.Prompt);
            var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
            return Results.Redirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var identity = Identify(account, request.GetScopes());
        identity.SetResources(ApiScopes.PlatformAudience);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, AccountStore accounts, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            var service = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            service.SetClaim(Claims.Subject, request.ClientId).SetClaim(Claims.ClientId, request.ClientId);
            var scopes = request.GetScopes();
            service.SetScopes(scopes);
            service.SetResources(scopes.Where(ApiScopes.ServiceScopes.ContainsKey).Select(s => ApiScopes.ServiceScopes[s]).Distinct());
            service.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(service), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var previous = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            var account = Guid.TryParse(previous?.GetClaim(Claims.Subject), out var id) ? await accounts.FindAsync(id, cancellationToken) : null;
            // Roles, lockouts and disabling take effect at the next refresh, not at the token's expiry.
            // A code or refresh token issued before the security stamp moved on (password changed, second factor off, …) is refused.
            if (previous is null || account is null || account.Disabled || !Usable(account) || !SignInSessions.IsCurrent(previous, account))
            {
                return Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
            }
            var identity = Identify(account, previous.GetScopes());
            identity.SetResources(previous.GetResources());
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        await SignInSessions.EndAsync(context);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/sign-in" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context, AccountStore accounts, CancellationToken cancellationToken)
    {
        var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var account = Guid.TryParse(principal?.GetClaim(Claims.Subject), out var id) ? await accounts.FindAsync(id, cancellationToken) : null;
        // Only a person's token for the platform's APIs (one Identity signed for another audience is refused too).
        if (principal is null || account is null || account.Disabled || !principal.GetAudiences().Contains(ApiScopes.PlatformAudience)
            || !SignInSessions.IsCurrent(principal, account))
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not valid for this account's information.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = account.Id.ToString() };
        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = account.Email;
            claims[Claims.EmailVerified] = account.EmailConfirmed;
        }
        if (principal.HasScope(Scopes.Roles)) claims[Claims.Role] = account.Roles.ToArray();
        return Results.Ok(claims);
    }

    /// <summary>An account whose role demands a second factor is unusable until it has one.</summary>
    private static bool Usable(Account account) => !account.MustUseTwoFactor || account.HasTwoFactor;

    private static ClaimsIdentity Identify(Account account, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, account.Id.ToString());
        identity.SetClaims(Claims.Role, [.. account.Roles]);
        identity.SetClaim(SignInSessions.GenerationClaim, account.SessionGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (account.VendorOrganisationId is { } organisation) identity.SetClaim(VendorOrganisationClaim, organisation.ToString());
        if (scopes.Contains(Scopes.Email))
        {
            identity.SetClaim(Claims.Email, account.Email);
            identity.SetClaim(Claims.EmailVerified, account.EmailConfirmed);
        }
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            Claims.Email or Claims.EmailVerified => [Destinations.IdentityToken],
            Claims.Role when scopes.Contains(Scopes.Roles) => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return identity;
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
