namespace VulnPlatform.Contracts.Intake;

/// <summary>The reporter wrote to the people handling the report (an answer, more detail, a question).</summary>
public sealed record ReporterMessagePosted(
    Guid ReportId,
    string TrackingNumber,
    Guid MessageId,
    string Text,
    IReadOnlyList<Guid> AttachmentIds,
    Actor PostedBy,
    DateTimeOffset PostedAt);
