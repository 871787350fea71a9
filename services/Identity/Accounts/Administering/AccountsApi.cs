using System.Security.Claims;
using System.Security.Cryptography;
using FluentValidation;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.Registering;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.ServiceDefaults.Http;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VulnPlatform.Identity.Accounts.Administering;

public sealed record AccountView(
    Guid Id, string Email, bool EmailConfirmed, IReadOnlyList<string> Roles, Guid? VendorOrganisationId,
    bool TwoFactor, bool Disabled, DateTimeOffset? LockedUntil, DateTimeOffset OpenedAt, DateTimeOffset? LastSignedInAt)
{
    public static AccountView Of(Account a) => new(
        a.Id, a.Email, a.EmailConfirmed, a.Roles, a.VendorOrganisationId, a.HasTwoFactor, a.Disabled, a.LockedUntil, a.OpenedAt, a.LastSignedInAt);
}

public sealed record CreateAccountRequest(string? Email, IReadOnlyList<string>? Roles, Guid? VendorOrganisationId);

/// <summary>The initial password is shown once, to the admin who passes it on; the account must enrol an authenticator at first sign-in.</summary>
public sealed record CreatedAccount(AccountView Account, string InitialPassword);

public sealed record GrantRoleRequest(string? Role, Guid? VendorOrganisationId);

public sealed class CreateAccountValidator : AbstractValidator<CreateAccountRequest>
{
    public CreateAccountValidator()
    {
        RuleFor(r => r.Email).Must(e => AccountEmails.Problem(e) is null).WithMessage("'Email' must be a plain e-mail address.");
        RuleFor(r => r.Roles).Cascade(CascadeMode.Stop).NotEmpty().Must(roles => roles!.All(Accounts.Roles.All.Contains) && roles!.Distinct().Count() == roles!.Count)
            .WithMessage($"'Roles' must name distinct roles among: {string.Join(", ", Accounts.Roles.All)}.");
        RuleFor(r => r.VendorOrganisationId).NotNull().When(r => r.Roles?.Contains(Accounts.Roles.Vendor) == true)
            .WithMessage("A vendor account needs the vendor organisation it acts for.");
        RuleFor(r => r.VendorOrganisationId).Null().When(r => r.Roles?.Contains(Accounts.Roles.Vendor) != true)
            .WithMessage("Only a vendor account belongs to a vendor organisation.");
    }
}

public sealed class GrantRoleValidator : AbstractValidator<GrantRoleRequest>
{
    public GrantRoleValidator()
    {
        RuleFor(r => r.Role).Must(r => r is not null && Accounts.Roles.All.Contains(r))
            .WithMessage($"'Role' must be one of: {string.Join(", ", Accounts.Roles.All)}.");
        RuleFor(r => r.VendorOrganisationId).NotNull().When(r => r.Role == Accounts.Roles.Vendor)
            .WithMessage("The vendor role needs the vendor organisation it acts for.");
        RuleFor(r => r.VendorOrganisationId).Null().When(r => r.Role != Accounts.Roles.Vendor)
            .WithMessage("Only the vendor role belongs to a vendor organisation.");
    }
}

/// <summary>
/// <c>/api/identity</c>: the caller's own account, and account administration for admins (bearer
/// tokens from this provider; the actor of every change is the token's subject).
/// </summary>
public static class AccountsApi
{
    public const string AdminPolicy = "identity-admin";
    public const string SignedInPolicy = "identity-signed-in";
    private const int MaxPageSize = 200;

    public static void MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/identity").WithTags("Accounts");
        api.MapGet("/me", MeAsync).RequireAuthorization(SignedInPolicy);

        var accounts = api.MapGroup("/accounts").RequireAuthorization(AdminPolicy);
        accounts.MapGet("/", ListAsync);
        accounts.MapGet("/{id:guid}", GetAsync);
        accounts.MapPost("/", CreateAsync).WithValidation<CreateAccountRequest>();
        accounts.MapPost("/{id:guid}/roles", GrantAsync).WithValidation<GrantRoleRequest>();
        accounts.MapDelete("/{id:guid}/roles/{role}", RevokeAsync);
        accounts.MapPost("/{id:guid}/unlock", UnlockAsync);
        accounts.MapPost("/{id:guid}/disable", DisableAsync);
    }

    private static async Task<IResult> MeAsync(ClaimsPrincipal user, AccountStore store, CancellationToken ct) =>
        Guid.TryParse(user.FindFirstValue(Claims.Subject), out var id) && await store.FindAsync(id, ct) is { } account
            ? Results.Ok(AccountView.Of(account))
            : NotFound();

    private static async Task<IResult> ListAsync(AccountStore store, int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, MaxPageSize);
        if (invalid is not null) return invalid;
        var (items, total) = await store.ListAsync(paging, ct);
        return Results.Ok(paging.Of(items.Select(AccountView.Of).ToList(), total));
    }

    private static async Task<IResult> GetAsync(Guid id, AccountStore store, CancellationToken ct) =>
        await store.FindAsync(id, ct) is { } account ? Results.Ok(AccountView.Of(account)) : NotFound();

    private static async Task<IResult> CreateAsync(
        CreateAccountRequest request, ClaimsPrincipal user, AccountStore store, IQuerySession session, PasswordPolicy passwords,
        EmailConfirmations confirmations, TimeProvider time, CancellationToken ct)
    {
        if (await VendorOrganisations.RefuseUnknownAsync(session, request.VendorOrganisationId, ct) is { } unknown) return unknown;
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7();
        var password = InitialPassword();
        var opened = await store.OpenAsync(id,
        [
            new AccountOpened(id, AccountStore.Normalise(request.Email!), request.Roles!.ToList(), request.VendorOrganisationId, Actor(user), now),
            new PasswordSet(id, passwords.Hash(password), PasswordReasons.Initial, now),
            confirmations.Issue(id, now),
        ], ct);
        if (!opened)
        {
            return Results.Problem(statusCode: 409, type: ProblemTypes.Conflict, title: "E-mail address taken",
                detail: "An account with this e-mail address exists.");
        }
        var account = await store.FindAsync(id, ct);
        return Results.Created($"/api/identity/accounts/{id}", new CreatedAccount(AccountView.Of(account!), password));
    }

    private static async Task<IResult> GrantAsync(
        Guid id, GrantRoleRequest request, ClaimsPrincipal user, AccountStore store, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        await VendorOrganisations.RefuseUnknownAsync(session, request.VendorOrganisationId, ct)
        ?? await ChangeAsync(id, store, ct, a => a.Roles.Contains(request.Role!) && a.VendorOrganisationId == request.VendorOrganisationId
            ? []
            : [new RoleAdded(id, request.Role!, request.VendorOrganisationId, Actor(user), time.GetUtcNow())]);

    private static Task<IResult> RevokeAsync(Guid id, string role, ClaimsPrincipal user, AccountStore store, TimeProvider time, CancellationToken ct) =>
        IsSelf(user, id) && role == Roles.Admin
            ? Task.FromResult(SelfRefused("An admin cannot remove their own admin role."))
            : ChangeAsync(id, store, ct, a => a.Roles.Contains(role) ? [new RoleRemoved(id, role, Actor(user), time.GetUtcNow())] : []);

    /// <summary>Lifts the account's lockout and every pause on sign-ins to its address, from every network.</summary>
    private static async Task<IResult> UnlockAsync(Guid id, ClaimsPrincipal user, AccountStore store, SignInThrottles throttles, TimeProvider time, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is { } account) await throttles.LiftAsync(account.Email, ct);
        return await ChangeAsync(id, store, ct, a => a.LockedUntil is null && a.FailedInARow == 0 ? [] : [new LockoutLifted(id, Actor(user), time.GetUtcNow())]);
    }

    private static Task<IResult> DisableAsync(Guid id, ClaimsPrincipal user, AccountStore store, TimeProvider time, CancellationToken ct) =>
        IsSelf(user, id)
            ? Task.FromResult(SelfRefused("An admin cannot disable their own account."))
            : ChangeAsync(id, store, ct, a => a.Disabled ? [] : [new AccountDeactivated(id, Actor(user), time.GetUtcNow())]);

    /// <summary>Applies a change (idempotent: no events when it is already so) and answers with the account after it.</summary>
    private static async Task<IResult> ChangeAsync(Guid id, AccountStore store, CancellationToken ct, Func<Account, IReadOnlyList<object>> decide) =>
        await store.DecideAsync(id, decide, events => events, ct) is var (_, after) ? Results.Ok(AccountView.Of(after)) : NotFound();

    private static Actor Actor(ClaimsPrincipal user) => new(ActorKinds.Staff, user.FindFirstValue(Claims.Subject));

    private static bool IsSelf(ClaimsPrincipal user, Guid id) => user.FindFirstValue(Claims.Subject) == id.ToString();

    private static IResult SelfRefused(string detail) =>
        Results.Problem(statusCode: 409, type: ProblemTypes.Conflict, title: "Not on your own account", detail: detail);

    private static IResult NotFound() =>
        Results.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such account", detail: "There is no account with this id.");

    /// <summary>20 characters from a 56-letter alphabet (≈116 bits), never a common password.</summary>
    private static string InitialPassword() =>
        new(RandomNumberGenerator.GetItems<char>("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789", 20));
}
