namespace VulnPlatform.Contracts.Identity;

public sealed record PasswordChanged(Guid AccountId, DateTimeOffset ChangedAt);
