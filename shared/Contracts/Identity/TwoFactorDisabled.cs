namespace VulnPlatform.Contracts.Identity;

public sealed record TwoFactorDisabled(Guid AccountId, Actor DisabledBy, DateTimeOffset DisabledAt);
