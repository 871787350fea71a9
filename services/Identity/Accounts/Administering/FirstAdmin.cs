using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Identity.Accounts.Passwords;
using VulnPlatform.Identity.Accounts.TwoFactor;

namespace VulnPlatform.Identity.Accounts.Administering;

public sealed class FirstAdminOptions
{
    public const string Section = "Identity:FirstAdmin";

    public string? Email { get; set; }
    public string? Password { get; set; }

    /// <summary>Base32 TOTP secret the admin's authenticator app already holds (written by `make up` with its otpauth URI).</summary>
    public string? TotpSecret { get; set; }
}

/// <summary>
/// When no account holds the admin role, creates one from configuration (confirmed address, the
/// authenticator already enrolled), so a new installation can be administered at all. Nothing
/// happens once an admin exists.
/// </summary>
public sealed class FirstAdmin(
    IDocumentStore store, AccountStore accounts, PasswordPolicy passwords, Authenticators authenticators, IOptions<FirstAdminOptions> options,
    TimeProvider time, ILogger<FirstAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (string.IsNullOrWhiteSpace(admin.Email) || string.IsNullOrEmpty(admin.Password) || string.IsNullOrEmpty(admin.TotpSecret)) return;
        await using (var session = store.QuerySession())
        {
            if (await session.Query<Account>().AnyAsync(a => a.Roles.Contains(Roles.Admin), cancellationToken)) return;
        }
        if (PasswordPolicy.Problem(admin.Password, admin.Email) is { } problem)
        {
            logger.LogError("The first admin is not created: its password is refused ({Problem})", problem);
            return;
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7();
        var secret = authenticators.Seal(id, admin.TotpSecret);
        var opened = await accounts.OpenAsync(id,
        [
            new AccountOpened(id, AccountStore.Normalise(admin.Email), [Roles.Admin], null, Actor.System, now),
            new PasswordSet(id, passwords.Hash(admin.Password), PasswordReasons.Initial, now),
            new EmailAddressConfirmed(id, Guid.Empty, now),
            new AuthenticatorAdded(id, secret, now),
            new AuthenticatorConfirmed(id, 0, now),
        ], cancellationToken);
        if (opened) logger.LogWarning("Created the first admin account {AccountId} from configuration (Identity:FirstAdmin)", id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
