namespace VulnPlatform.Contracts.VendorCoordination;

/// <summary>Coordination with third parties began for a report (several vendors may join it).</summary>
public sealed record CoordinationCaseOpened(Guid CaseId, Guid ReportId, string? TrackingNumber, DateTimeOffset OpenedAt);

/// <summary>
/// A vendor's status for the case's vulnerability changed: unknown, under-investigation, affected,
/// not-affected (with a VEX <see cref="Justification"/>) or fixed (with <see cref="FixedVersion"/>).
/// </summary>
public sealed record VendorStatusChanged(
    Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, string Status, string? Justification, string? FixedVersion,
    Actor ChangedBy, DateTimeOffset ChangedAt);

/// <summary>A vendor's public statement on the vulnerability (text for the advisory; no personal data).</summary>
public sealed record VendorStatementPosted(
    Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, string Statement, Actor PostedBy, DateTimeOffset PostedAt);

/// <summary>
/// A vendor organisation is sent the case's notice: <see cref="Summary"/> is the coordinator's text for it.
/// Notification e-mails the organisation's security contacts (asked for at sending time) and adds the
/// reporter's identity only when the reporter's consent allows it then. Intake shows the reporter which
/// organisation was told (<see cref="OrganisationName"/>) and what (<see cref="Summary"/>).
/// </summary>
public sealed record VendorNotified(
    Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, string Summary, Actor NotifiedBy, DateTimeOffset NotifiedAt,
    string? OrganisationName = null);

public sealed record VendorAcknowledged(Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, Actor AcknowledgedBy, DateTimeOffset AcknowledgedAt);

/// <summary>The vendor did not acknowledge the notice by <see cref="DueAt"/> and is reminded.</summary>
public sealed record VendorReminded(Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, DateTimeOffset DueAt, DateTimeOffset RemindedAt);

/// <summary>The vendor has still not acknowledged: the coordinator takes it up (escalation).</summary>
public sealed record VendorUnresponsive(Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, DateTimeOffset NotifiedAt, DateTimeOffset EscalatedAt);

/// <summary>The disclosure date the platform proposes (at the first notice; earlier when exploited in the wild).</summary>
public sealed record DisclosureDateProposed(Guid CaseId, Guid ReportId, string? TrackingNumber, DateTimeOffset DisclosureAt, bool ExploitedInTheWild, DateTimeOffset ProposedAt);

/// <summary>The coordinator set the disclosure date every party works to.</summary>
public sealed record DisclosureDateAgreed(Guid CaseId, Guid ReportId, string? TrackingNumber, DateTimeOffset DisclosureAt, Actor AgreedBy, DateTimeOffset AgreedAt);

/// <summary>The case's disclosure date came (fired once per date).</summary>
public sealed record DisclosureDateReached(Guid CaseId, Guid ReportId, string? TrackingNumber, DateTimeOffset DisclosureAt, DateTimeOffset ReachedAt);

/// <summary>
/// A message passed between a vendor and the reporter through the coordinator (after the coordinator's
/// review when the case holds messages). <see cref="Direction"/> is <see cref="ToReporter"/> or <see cref="ToVendor"/>.
/// Neither side's identity is in it: the vendor is its organisation, the reporter "the reporter"; the
/// reporter's own text reaches a vendor only as Intake allowed it (no name or address without consent).
/// </summary>
public sealed record VendorMessageRelayed(
    Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, string? OrganisationName, Guid MessageId, string Direction, string Text,
    DateTimeOffset RelayedAt)
{
    public const string ToReporter = "to-reporter";
    public const string ToVendor = "to-vendor";
}

/// <summary>
/// A coordinator took a vendor organisation off a case (added by mistake): the disclosure drops its part;
/// when <see cref="WasNotified"/>, the vendor is told, with <see cref="Reason"/>.
/// </summary>
public sealed record VendorRemovedFromCase(
    Guid CaseId, Guid ReportId, string? TrackingNumber, Guid OrganisationId, bool WasNotified, string Reason, Actor RemovedBy, DateTimeOffset RemovedAt);

/// <summary>
/// A coordinator registered a vendor organisation: Identity binds vendor-role accounts only to
/// organisations it has heard of this way.
/// </summary>
public sealed record VendorOrganisationRegistered(Guid OrganisationId, string Name, DateTimeOffset RegisteredAt);
