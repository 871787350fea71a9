using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.Identity.Sessions;

namespace VulnPlatform.Identity.Pages.AccountPages;

public sealed class ChangePasswordModel(AccountStore accounts, PasswordPolicy passwords, TimeProvider time) : PageModel
{
    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }
    public string? Error { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }
    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await SignInSessions.SessionAccountAsync(HttpContext) is null ? Redirect("/account/sign-in?returnUrl=%2Faccount%2Fchange-password") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await SignInSessions.SessionAccountAsync(HttpContext) is not { } id) return Redirect("/account/sign-in");
        if (await accounts.FindAsync(id, cancellationToken) is not { } account) return Redirect("/account/sign-in");
        Error = PasswordPolicy.Problem(NewPassword, account.Email) ?? (NewPassword != ConfirmPassword ? "PasswordsDiffer" : null);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var current = CurrentPassword ?? "";
        var matches = current.Length <= PasswordPolicy.MaximumLength
            && passwords.Verify(account.PasswordHash, current) != PasswordVerificationResult.Failed;
        var newHash = passwords.Hash(NewPassword!);
        var now = time.GetUtcNow();
        var result = await accounts.DecideAsync(id, a => PasswordChangeDecider.Decide(a, matches, newHash, now), d => d.Events, cancellationToken);
        switch (result?.Decision.Outcome)
        {
            case SignInOutcome.SignedIn:
                // Every other session and token of the account ends; this one carries on.
                await SignInSessions.RenewAsync(HttpContext, result.Value.After);
                Done = true;
                return Page();
            case SignInOutcome.Locked:
                await SignInSessions.EndAsync(HttpContext);
                LockedUntil = result.Value.Decision.LockedUntil;
                Error = "Locked";
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            default:
                Error = "WrongCurrentPassword";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
        }
    }
}
