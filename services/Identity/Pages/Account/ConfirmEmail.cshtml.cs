using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.Registering;

namespace VulnPlatform.Identity.Pages.AccountPages;

public sealed class ConfirmEmailModel(AccountStore accounts, EmailConfirmations confirmations, TimeProvider time) : PageModel
{
    public bool Confirmed { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (confirmations.Read(token, now) is not var (accountId, requestId))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var result = await accounts.DecideAsync(accountId,
            account => account.OpenConfirmationRequest == requestId && !account.EmailConfirmed,
            confirm => confirm ? [new EmailAddressConfirmed(accountId, requestId, now)] : [], cancellationToken);
        Confirmed = result is { After.EmailConfirmed: true };
        if (!Confirmed) Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
