namespace VulnPlatform.Contracts.Intake;

/// <summary>
/// The reporter added a file to a report. The content stays encrypted in Intake; this says what it
/// is (sanitised name, size, SHA-256 of the content, the type its bytes look like).
/// </summary>
public sealed record AttachmentAdded(
    Guid ReportId,
    string TrackingNumber,
    Guid AttachmentId,
    string FileName,
    long Size,
    string Sha256,
    string SniffedContentType,
    Actor AddedBy,
    DateTimeOffset AddedAt);
