namespace VulnPlatform.Contracts.Identity;

/// <summary>A successful sign-in (for the owner's security notice): which factors were used.</summary>
public sealed record AccountSignedIn(Guid AccountId, IReadOnlyList<string> Factors, DateTimeOffset SignedInAt);
