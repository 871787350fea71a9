namespace VulnPlatform.Contracts.Triage;

/// <summary>A vulnerability report became a triage case; the human acknowledgement is due by <see cref="AcknowledgementDueAt"/>.</summary>
public sealed record CaseOpened(Guid CaseId, Guid ReportId, string TrackingNumber, DateTimeOffset AcknowledgementDueAt, DateTimeOffset OpenedAt);
