namespace VulnPlatform.Contracts.Identity;

public sealed record RoleRevoked(Guid AccountId, string Role, Actor RevokedBy, DateTimeOffset RevokedAt);
