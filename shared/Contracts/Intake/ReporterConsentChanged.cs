namespace VulnPlatform.Contracts.Intake;

/// <summary>
/// The reporter's consent as it now stands. <see cref="CreditName"/> is the name the reporter chose
/// to be credited under in public, and is present only when <see cref="PublicCredit"/> is true.
/// </summary>
public sealed record ReporterConsentChanged(
    Guid ReportId,
    string TrackingNumber,
    bool ShareIdentityWithVendor,
    bool PublicCredit,
    string? CreditName,
    Actor ChangedBy,
    DateTimeOffset ChangedAt);
