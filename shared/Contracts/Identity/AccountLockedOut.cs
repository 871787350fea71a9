namespace VulnPlatform.Contracts.Identity;

/// <summary>
/// Too many failed sign-in attempts in a row: no sign-in is accepted before <see cref="LockedUntil"/> —
/// from the client network <see cref="FromNetwork"/> only (an IPv4 address, or an IPv6 /64) when it is
/// given, otherwise anywhere (wrong codes entered while signed in lock the account itself).
/// </summary>
public sealed record AccountLockedOut(Guid AccountId, int FailedAttempts, DateTimeOffset LockedUntil, DateTimeOffset LockedAt, string? FromNetwork = null);
