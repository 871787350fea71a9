using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.Identity.Sessions;

namespace VulnPlatform.Identity.Pages.AccountPages;

public sealed class SignInModel(AccountStore accounts, PasswordPolicy passwords, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    public string? Error { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var password = Password ?? "";
        var account = string.IsNullOrWhiteSpace(Email) || Email.Length > 254 ? null : await accounts.FindByEmailAsync(Email, cancellationToken);
        if (account is null)
        {
            passwords.VerifyNothing(password); // the same time as for a real account
            return Refused("InvalidCredentials");
        }

        var verification = password.Length > PasswordPolicy.MaximumLength ? PasswordVerificationResult.Failed : passwords.Verify(account.PasswordHash, password);
        var now = time.GetUtcNow();
        var result = await accounts.DecideAsync(account.Id,
            a => SignInDecider.Password(a, verification != PasswordVerificationResult.Failed, now), d => d.Events, cancellationToken);
        if (result is not var (decision, after)) return Refused("InvalidCredentials");

        switch (decision.Outcome)
        {
            case SignInOutcome.SecondFactorNeeded:
                await SignInSessions.StartPendingAsync(HttpContext, after, SignInSessions.TwoFactorStage);
                return Redirect($"/account/two-factor?returnUrl={Uri.EscapeDataString(ReturnUrl ?? "")}");
            case SignInOutcome.EnrolmentNeeded:
                await SignInSessions.StartPendingAsync(HttpContext, after, SignInSessions.EnrolStage);
                return Redirect($"/account/enrol?returnUrl={Uri.EscapeDataString(ReturnUrl ?? "")}");
            case SignInOutcome.SignedIn:
                if (verification == PasswordVerificationResult.SuccessRehashNeeded)
                {
                    await accounts.DecideAsync(account.Id, _ => 0, _ => [new PasswordSet(account.Id, passwords.Hash(password), PasswordReasons.Rehashed, now)], cancellationToken);
                }
                await SignInSessions.StartSessionAsync(HttpContext, after, ["pwd"], now);
                return Redirect(SignInSessions.SafeReturn(ReturnUrl));
            case SignInOutcome.Locked:
                LockedUntil = decision.LockedUntil;
                return Refused("Locked");
            default:
                return Refused("InvalidCredentials");
        }
    }

    private PageResult Refused(string error)
    {
        Error = error;
        Response.StatusCode = error == "Locked" ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest;
        return Page();
    }
}
