namespace VulnPlatform.Contracts.Triage;

/// <summary>The reporter's progress update (due at least every 5 business days until the case closes).</summary>
public sealed record ProgressUpdatePosted(
    Guid CaseId,
    Guid ReportId,
    string TrackingNumber,
    string Update,
    Actor PostedBy,
    DateTimeOffset PostedAt);
