namespace VulnPlatform.Contracts.Identity;

/// <summary>
/// The account's owner must confirm their e-mail address. Notification fetches the address and the
/// confirmation link from Identity's internal endpoint with <see cref="RequestId"/>; the link's
/// secret never travels on the bus.
/// </summary>
public sealed record EmailConfirmationRequested(Guid AccountId, Guid RequestId, DateTimeOffset RequestedAt);
