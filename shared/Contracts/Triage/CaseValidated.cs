namespace VulnPlatform.Contracts.Triage;

/// <summary>The report is a real vulnerability; <see cref="Explanation"/> is written to the reporter.</summary>
public sealed record CaseValidated(Guid CaseId, Guid ReportId, string TrackingNumber, string Explanation, Actor ValidatedBy, DateTimeOffset ValidatedAt);
