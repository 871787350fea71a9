namespace VulnPlatform.Contracts.Triage;

public sealed record CaseFixed(Guid CaseId, Guid ReportId, string TrackingNumber, string FixedVersion, Actor FixedBy, DateTimeOffset FixedAt);
