using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.Registering;

namespace VulnPlatform.Identity.Pages.AccountPages;

/// <summary>
/// Reporters register themselves. The answer is the same whether or not the address already has an
/// account, so the page cannot be used to find out who has one.
/// </summary>
public sealed class RegisterModel(AccountStore accounts, PasswordPolicy passwords, EmailConfirmations confirmations, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }
    public string? Error { get; private set; }
    public bool Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Error = AccountEmails.Problem(Email)
            ?? PasswordPolicy.Problem(Password, Email)
            ?? (Password != ConfirmPassword ? "PasswordsDiffer" : null);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7();
        var email = AccountStore.Normalise(Email!);
        await accounts.OpenAsync(id,
        [
            new AccountOpened(id, email, [Roles.Reporter], null, new Actor(ActorKinds.Reporter, id.ToString()), now),
            new PasswordSet(id, passwords.Hash(Password!), PasswordReasons.Initial, now),
            confirmations.Issue(id, now),
        ], cancellationToken);
        Done = true;
        return Page();
    }
}
