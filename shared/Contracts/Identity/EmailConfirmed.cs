namespace VulnPlatform.Contracts.Identity;

public sealed record EmailConfirmed(Guid AccountId, DateTimeOffset ConfirmedAt);
