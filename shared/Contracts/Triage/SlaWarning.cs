namespace VulnPlatform.Contracts.Triage;

/// <summary>A deadline is near (<see cref="Clock"/>: acknowledgement or update): for the assigned analyst or the staff on duty. <c>AssigneeId</c> is the assigned analyst's account id; null when nobody is assigned (the staff on duty are told).</summary>
public sealed record SlaWarning(Guid CaseId, Guid ReportId, string TrackingNumber, string Clock, DateTimeOffset DueAt, DateTimeOffset WarnedAt, string? AssigneeId = null);
