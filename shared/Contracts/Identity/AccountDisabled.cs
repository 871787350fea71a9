namespace VulnPlatform.Contracts.Identity;

/// <summary>The account can no longer sign in; its tokens stop working when they expire (at most 10 minutes).</summary>
public sealed record AccountDisabled(Guid AccountId, Actor DisabledBy, DateTimeOffset DisabledAt);
