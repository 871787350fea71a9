namespace VulnPlatform.Contracts.Identity;

/// <summary>An authenticator app was confirmed for the account (TOTP, RFC 6238).</summary>
public sealed record TwoFactorEnabled(Guid AccountId, DateTimeOffset EnabledAt);
