using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.Identity.Sessions;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Identity.Pages.AccountPages;

public sealed class SignInModel(AccountStore accounts, SignInThrottles throttles, PasswordPolicy passwords, TimeProvider time) : PageModel
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
        var email = string.IsNullOrWhiteSpace(Email) || Email.Length > 254 ? null : Email;
        var account = email is null ? null : await accounts.FindByEmailAsync(email, cancellationToken);
        // The same work for an address with an account and one without: a hash checked, a throttle counted.
        var verification = PasswordVerificationResult.Failed;
        if (account is null) passwords.VerifyNothing(password);
        else if (password.Length <= PasswordPolicy.MaximumLength) verification = passwords.Verify(account.PasswordHash, password);
        if (email is null) return Refused("InvalidCredentials");

        var now = time.GetUtcNow();
        var network = ForwardedClients.Network(HttpContext.Connection.RemoteIpAddress);
        var result = await throttles.DecideAsync(email, network, async throttle =>
        {
            if (account is null)
            {
                var unknown = SignInDecider.Password(null, throttle, false, now);
                return ((unknown, (Account?)null), unknown.Throttle!);
            }
            var decided = await accounts.DecideAsync(account.Id,
                a => SignInDecider.Password(a, throttle, verification != PasswordVerificationResult.Failed, now), d => d.Events, cancellationToken);
            return decided is var (d, a) ? ((d, a), d.Throttle!) : ((new SignInDecision(SignInOutcome.Refused, []), null), throttle);
        }, cancellationToken);
        var (decision, after) = result;
        if (decision.Outcome == SignInOutcome.Locked)
        {
            LockedUntil = decision.LockedUntil;
            return Refused("Locked");
        }
        if (after is null) return Refused("InvalidCredentials");

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
                    await accounts.DecideAsync(account!.Id, _ => 0, _ => [new PasswordSet(account.Id, passwords.Hash(password), PasswordReasons.Rehashed, now)], cancellationToken);
                }
                await SignInSessions.StartSessionAsync(HttpContext, after, ["pwd"], now);
                return Redirect(SignInSessions.SafeReturn(ReturnUrl));
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
