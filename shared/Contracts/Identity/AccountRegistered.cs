namespace VulnPlatform.Contracts.Identity;

/// <summary>
/// An account was opened: a reporter registered, or an admin created a staff or vendor account.
/// The e-mail address stays in Identity; Notification asks for it when it writes.
/// </summary>
public sealed record AccountRegistered(Guid AccountId, IReadOnlyList<string> Roles, Guid? VendorOrganisationId, Actor RegisteredBy, DateTimeOffset RegisteredAt);
