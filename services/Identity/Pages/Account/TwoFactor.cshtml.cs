using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.SigningIn;
using VulnPlatform.Identity.Accounts.TwoFactor;
using VulnPlatform.Identity.Sessions;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Identity.Pages.AccountPages;

public sealed class TwoFactorModel(AccountStore accounts, SignInThrottles throttles, Authenticators authenticators, RecoveryCodes recoveryCodes, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? RecoveryCode { get; set; }
    public string? Error { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await SignInSessions.PendingAccountAsync(HttpContext, SignInSessions.TwoFactorStage) is null ? RedirectToSignIn() : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await SignInSessions.PendingAccountAsync(HttpContext, SignInSessions.TwoFactorStage) is not { } id) return RedirectToSignIn();
        var now = time.GetUtcNow();
        if (await accounts.FindAsync(id, cancellationToken) is not { } pending) return RedirectToSignIn();
        // Wrong codes count against the address and network the attempt comes from, like wrong passwords.
        var network = ForwardedClients.Network(HttpContext.Connection.RemoteIpAddress);
        var result = await throttles.DecideAsync(pending.Email, network, async throttle =>
        {
            var decided = await accounts.DecideAsync(id, account =>
                {
                    var step = account.Authenticator is { } secret ? authenticators.Match(secret, account.Id, Code, now) : null;
                    return SignInDecider.SecondFactor(account, throttle, step, recoveryCodes.Match(account.Id, account.RecoveryCodeHashes, RecoveryCode), now);
                },
                d => d.Events, cancellationToken);
            return (decided, decided?.Decision.Throttle ?? throttle);
        }, cancellationToken);
        if (result is not var (decision, after)) return RedirectToSignIn();

        switch (decision.Outcome)
        {
            case SignInOutcome.SignedIn:
                var signedIn = (SignedIn)decision.Events[0];
                await SignInSessions.StartSessionAsync(HttpContext, after, ["pwd", signedIn.RecoveryCodeHash is null ? "otp" : "rec"], now);
                return Redirect(SignInSessions.SafeReturn(ReturnUrl));
            case SignInOutcome.Locked:
                await SignInSessions.EndAsync(HttpContext);
                LockedUntil = decision.LockedUntil;
                Error = "Locked";
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            default:
                Error = "InvalidCode";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
        }
    }

    private RedirectResult RedirectToSignIn() => Redirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(ReturnUrl ?? "")}");
}
