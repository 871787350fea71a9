namespace VulnPlatform.Contracts.Identity;

/// <summary>Too many failed sign-in attempts in a row: no sign-in is accepted before <see cref="LockedUntil"/>.</summary>
public sealed record AccountLockedOut(Guid AccountId, int FailedAttempts, DateTimeOffset LockedUntil, DateTimeOffset LockedAt);
