namespace VulnPlatform.Contracts.Triage;

/// <summary>
/// A person on the security team acknowledged the report (the human acknowledgement due within
/// 24 hours, not the automatic receipt). <see cref="Message"/> is written to the reporter.
/// </summary>
public sealed record ReportAcknowledged(
    Guid CaseId,
    Guid ReportId,
    string TrackingNumber,
    string Message,
    Actor AcknowledgedBy,
    DateTimeOffset AcknowledgedAt);
