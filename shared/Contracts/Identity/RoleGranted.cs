namespace VulnPlatform.Contracts.Identity;

/// <summary>A role was given to an account; <c>vendor</c> comes with the vendor organisation it acts for.</summary>
public sealed record RoleGranted(Guid AccountId, string Role, Guid? VendorOrganisationId, Actor GrantedBy, DateTimeOffset GrantedAt);
