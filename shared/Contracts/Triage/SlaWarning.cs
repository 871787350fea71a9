namespace VulnPlatform.Contracts.Triage;

/// <summary>A deadline is near (<see cref="Clock"/>: acknowledgement or update): for the assigned analyst or the staff on duty.</summary>
public sealed record SlaWarning(Guid CaseId, Guid ReportId, string TrackingNumber, string Clock, DateTimeOffset DueAt, DateTimeOffset WarnedAt);
