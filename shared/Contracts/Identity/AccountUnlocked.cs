namespace VulnPlatform.Contracts.Identity;

public sealed record AccountUnlocked(Guid AccountId, Actor UnlockedBy, DateTimeOffset UnlockedAt);
