using Microsoft.AspNetCore.DataProtection;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Identity.Accounts.Registering;

/// <summary>
/// E-mail confirmation links: the token is the account and request ids sealed by data protection
/// with an expiry, so nothing secret is stored or published; Notification gets the link from
/// Identity's internal endpoint when it writes the message.
/// </summary>
public sealed class EmailConfirmations(IDataProtectionProvider protection, IConfiguration configuration)
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(3);
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("identity.email-confirmation.v1").ToTimeLimitedDataProtector();

    public EmailConfirmationIssued Issue(Guid accountId, DateTimeOffset now) =>
        new(accountId, Guid.CreateVersion7(), now + Validity, now);

    public Uri Link(Guid accountId, Guid requestId, DateTimeOffset expiresAt)
    {
        var token = _protector.Protect($"{accountId:N}.{requestId:N}", expiresAt);
        return new Uri(PublicOrigin.From(configuration), $"/account/confirm-email?token={Uri.EscapeDataString(token)}");
    }

    public (Guid AccountId, Guid RequestId)? Read(string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1_000) return null;
        try
        {
            var parts = _protector.Unprotect(token, out var expiresAt).Split('.');
            return expiresAt > now && parts.Length == 2 && Guid.TryParse(parts[0], out var account) && Guid.TryParse(parts[1], out var request)
                ? (account, request) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>An account's address: the platform's one rule for e-mail addresses, as a resource key of the pages' texts.</summary>
public static class AccountEmails
{
    /// <summary>The problem with an address (a resource key of the pages' texts), or null.</summary>
    public static string? Problem(string? email) =>
        email is { Length: <= 254 } && EmailAddresses.IsValid(email.Trim()) ? null : "EmailInvalid";
}
