using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using VulnPlatform.Identity.Accounts.Registering;
using VulnPlatform.Identity.Oidc;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Identity.Accounts.Contacting;

public sealed record AccountContact(Guid AccountId, string Email, bool EmailConfirmed);

public sealed record EmailConfirmationMessage(Guid AccountId, string Email, Uri Link, DateTimeOffset ExpiresAt);

/// <summary>
/// How Notification reaches an account holder, asked at the moment it writes, with its
/// client-credentials token (audience <c>identity</c>, scope <c>identity.contact.read</c>): the
/// address, and the confirmation link (made now; its secret never travels on the bus). Not routed by
/// the gateway; never cached.
/// </summary>
public static class AccountContactEndpoints
{
    public const string ContactReaders = "identity-contact-readers";
    public const string NotificationClient = "notification";

    public static void MapAccountContact(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/internal/accounts").RequireAuthorization(ContactReaders).ExcludeFromDescription();
        accounts.MapGet("/{id:guid}/contact", async (Guid id, AccountStore store, HttpContext context, CancellationToken ct) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return await store.FindAsync(id, ct) is { Disabled: false } account
                ? Results.Ok(new AccountContact(account.Id, account.Email, account.EmailConfirmed))
                : NoSuchAccount();
        });
        accounts.MapGet("/{id:guid}/email-confirmations/{requestId:guid}", async (
            Guid id, Guid requestId, AccountStore store, EmailConfirmations confirmations, HttpContext context, CancellationToken ct) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return await store.FindAsync(id, ct) is { OpenConfirmationRequest: { } open, OpenConfirmationExpiresAt: { } expires } account && open == requestId
                ? Results.Ok(new EmailConfirmationMessage(id, account.Email, confirmations.Link(id, requestId, expires), expires))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No open confirmation",
                    detail: "The address is confirmed already, or a newer confirmation replaced this one.");
        });
    }

    public static void AddContactReaders(this Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(ContactReaders, policy => policy
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAssertion(context => context.User.GetAudiences().Contains("identity")
                && context.User.GetClaim(OpenIddictConstants.Claims.ClientId) == NotificationClient
                && context.User.HasScope(ApiScopes.IdentityContactRead)));

    private static IResult NoSuchAccount() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such account", detail: "There is no active account with this id.");
}
