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
