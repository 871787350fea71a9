namespace VulnPlatform.Contracts.Triage;

/// <summary>A deadline passed without what it waited for.</summary>
public sealed record SlaBreached(Guid CaseId, Guid ReportId, string TrackingNumber, string Clock, DateTimeOffset DueAt, DateTimeOffset BreachedAt);
