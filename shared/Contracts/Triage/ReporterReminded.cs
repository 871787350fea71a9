namespace VulnPlatform.Contracts.Triage;

/// <summary>The reporter has not answered the question asked at <see cref="QuestionAskedAt"/>: they are reminded (the case closes as no-response later).</summary>
public sealed record ReporterReminded(Guid CaseId, Guid ReportId, string TrackingNumber, DateTimeOffset QuestionAskedAt, DateTimeOffset RemindedAt);
