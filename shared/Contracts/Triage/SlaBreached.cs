namespace VulnPlatform.Contracts.Triage;

/// <summary>A deadline passed without what it waited for. <c>AssigneeId</c> is the assigned analyst's account id; null when nobody is assigned (the staff on duty are told).</summary>
public sealed record SlaBreached(Guid CaseId, Guid ReportId, string TrackingNumber, string Clock, DateTimeOffset DueAt, DateTimeOffset BreachedAt, string? AssigneeId = null);
