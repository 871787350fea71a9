using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.TwoFactor;
using VulnPlatform.Identity.Sessions;

namespace VulnPlatform.Identity.Pages.AccountPages;

/// <summary>
/// Enrolling an authenticator app: reached right after the password when the role demands a second
/// factor (no token before it is done), or from the account page by a signed-in reporter.
/// </summary>
public sealed class EnrolModel(AccountStore accounts, Authenticators authenticators, RecoveryCodes recoveryCodes, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Code { get; set; }
    public string? Error { get; private set; }
    public string Secret { get; private set; } = "";
    public string OtpAuthUri { get; private set; } = "";
    public string QrCodeDataUri { get; private set; } = "";
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    public string Continue => SignInSessions.SafeReturn(ReturnUrl);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await EnrollingAsync() is not var (id, _)) return RedirectToSignIn();
        var now = time.GetUtcNow();
        // The same secret until it is confirmed, so reloading the page does not invalidate a scanned code.
        var result = await accounts.DecideAsync<(VulnPlatform.ServiceDefaults.Security.SealedValue Sealed, string Base32)?>(id,
            account => account.HasTwoFactor || account.PendingAuthenticator is not null ? null : authenticators.NewSecret(account.Id),
            fresh => fresh is { } secret ? [new AuthenticatorAdded(id, secret.Sealed, now)] : [], cancellationToken);
        if (result is not var (_, account)) return RedirectToSignIn();
        if (account.HasTwoFactor) return Redirect("/account");
        Show(account);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await EnrollingAsync() is not var (id, signingIn)) return RedirectToSignIn();
        var now = time.GetUtcNow();
        var codes = Accounts.TwoFactor.RecoveryCodes.New();
        var result = await accounts.DecideAsync(id, account =>
            {
                if (account.HasTwoFactor || account.PendingAuthenticator is not { } pending) return (IReadOnlyList<object>)[];
                var step = authenticators.Match(pending, account.Id, Code, now);
                if (step is not { } accepted || accepted <= account.LastTotpStep) return [];
                List<object> events =
                [
                    new AuthenticatorConfirmed(id, accepted, now),
                    new RecoveryCodesIssued(id, codes.Select(c => recoveryCodes.Hash(id, c)).ToList(), now),
                ];
                if (signingIn) events.Add(new SignedIn(id, [SignInFactors.Password, SignInFactors.Authenticator], accepted, null, now));
                return events;
            },
            events => events, cancellationToken);
        if (result is not var (events, account)) return RedirectToSignIn();
        if (events.Count == 0)
        {
            if (account.HasTwoFactor) return Redirect("/account");
            Error = "InvalidCode";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Show(account);
            return Page();
        }
        if (signingIn) await SignInSessions.StartSessionAsync(HttpContext, account, ["pwd", "otp"], now);
        RecoveryCodes = codes;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>The account enrolling, and whether it is in the middle of signing in (pending cookie) rather than signed in.</summary>
    private async Task<(Guid Id, bool SigningIn)?> EnrollingAsync()
    {
        if (await SignInSessions.PendingAccountAsync(HttpContext, SignInSessions.EnrolStage) is { } pending) return (pending, true);
        if (await SignInSessions.SessionAccountAsync(HttpContext) is { } session) return (session, false);
        return null;
    }

    private void Show(Identity.Accounts.Account account)
    {
        Secret = authenticators.Base32(account.PendingAuthenticator!, account.Id);
        OtpAuthUri = Authenticators.OtpAuthUri(account.Email, Secret);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(OtpAuthUri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(5);
        QrCodeDataUri = "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
        Response.Headers.CacheControl = "no-store";
    }

    private RedirectResult RedirectToSignIn() => Redirect($"/account/sign-in?returnUrl={Uri.EscapeDataString(ReturnUrl ?? "")}");
}
