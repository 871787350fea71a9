using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.Identity.Accounts.TwoFactor;
using VulnPlatform.Identity.Sessions;

namespace VulnPlatform.Identity.Pages.AccountPages;

public sealed class IndexModel(AccountStore accounts, Authenticators authenticators, RecoveryCodes recoveryCodes, TimeProvider time) : PageModel
{
    public Identity.Accounts.Account Account { get; private set; } = null!;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await SignedInAsync(cancellationToken) is not { } account) return Redirect("/account/sign-in?returnUrl=%2Faccount");
        Account = account;
        return Page();
    }

    /// <summary>Turning the second factor off takes a current code (not allowed for roles that need it).</summary>
    public async Task<IActionResult> OnPostDisableTwoFactorAsync(string? code, CancellationToken cancellationToken)
    {
        if (await SignedInAsync(cancellationToken) is not { } account) return Redirect("/account/sign-in");
        var now = time.GetUtcNow();
        var result = await accounts.DecideAsync(account.Id, a =>
                a.MustUseTwoFactor
                    ? (IReadOnlyList<object>)[]
                    : SignInDecider.ConfirmedByCode(a, FreshStep(a, code, now), now,
                        accepted => new AuthenticatorRemoved(a.Id, accepted, new Actor(ActorKinds.Reporter, a.Id.ToString()), now)),
            events => events, cancellationToken);
        if (result is not var (events, after)) return Redirect("/account/sign-in");
        Account = after;
        if (!events.OfType<AuthenticatorRemoved>().Any())
        {
            Error = "InvalidCode";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            await SignInSessions.RenewAsync(HttpContext, after); // every other session and token ends
        }
        return Page();
    }

    /// <summary>New recovery codes (the old ones stop working) for a current code; shown once.</summary>
    public async Task<IActionResult> OnPostRegenerateRecoveryCodesAsync(string? code, CancellationToken cancellationToken)
    {
        if (await SignedInAsync(cancellationToken) is not { } account) return Redirect("/account/sign-in");
        var now = time.GetUtcNow();
        var codes = RecoveryCodes.New();
        var result = await accounts.DecideAsync(account.Id, a =>
                SignInDecider.ConfirmedByCode(a, FreshStep(a, code, now), now,
                    accepted => new RecoveryCodesIssued(a.Id, codes.Select(c => recoveryCodes.Hash(a.Id, c)).ToList(), now, accepted)),
            events => events, cancellationToken);
        if (result is not var (events, after)) return Redirect("/account/sign-in");
        Account = after;
        if (!events.OfType<RecoveryCodesIssued>().Any())
        {
            Error = "InvalidCode";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await SignInSessions.RenewAsync(HttpContext, after); // every other session and token ends
        NewRecoveryCodes = codes;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await SignInSessions.EndAsync(HttpContext);
        return Redirect("/account/sign-in");
    }

    /// <summary>The time step of a current code never used before, or null.</summary>
    private long? FreshStep(Identity.Accounts.Account account, string? code, DateTimeOffset now) =>
        account.Authenticator is { } secret && authenticators.Match(secret, account.Id, code, now) is { } step && step > account.LastTotpStep
            ? step : null;

    private async Task<Identity.Accounts.Account?> SignedInAsync(CancellationToken cancellationToken) =>
        await SignInSessions.SessionAccountAsync(HttpContext) is { } id ? await accounts.FindAsync(id, cancellationToken) : null;
}
