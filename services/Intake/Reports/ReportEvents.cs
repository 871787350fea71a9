using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports;

// Intake's own events: the source of truth of a report. Integration events for other services are
// mapped from these in IntakeIntegrationEvents; what is not mapped never leaves Intake.

public sealed record ProductDetails(string Vendor, string Name, string? Version);

public sealed record ReportSubmitted(
    Guid ReportId,
    string TrackingNumber,
    string Kind,
    string Title,
    string Description,
    ProductDetails? Product,
    bool ThirdParty,
    string? StepsToReproduce,
    string? Impact,
    string? Cwe,
    bool Anonymous,
    string FollowUpTokenHash,
    Actor SubmittedBy,
    DateTimeOffset SubmittedAt);

/// <summary>Name, e-mail and language, sealed with the data key and bound to the report (never plaintext at rest).</summary>
public sealed record ReporterContactGiven(Guid ReportId, SealedValue Contact, DateTimeOffset GivenAt);

public sealed record SubmissionRouted(Guid ReportId, string TrackingNumber, string Kind, string Desk, DateTimeOffset RoutedAt);

public sealed record AttachmentAdded(
    Guid ReportId,
    string TrackingNumber,
    Guid AttachmentId,
    string FileName,
    string DisplayName,
    string DeclaredContentType,
    string SniffedContentType,
    long Size,
    string Sha256,
    Actor AddedBy,
    DateTimeOffset AddedAt);

public sealed record ReporterMessagePosted(
    Guid ReportId,
    string TrackingNumber,
    Guid MessageId,
    string Text,
    IReadOnlyList<Guid> AttachmentIds,
    Actor PostedBy,
    DateTimeOffset PostedAt);

public sealed record ReporterConsentChanged(
    Guid ReportId,
    string TrackingNumber,
    bool ShareIdentityWithVendor,
    bool PublicCredit,
    string? CreditName,
    Actor ChangedBy,
    DateTimeOffset ChangedAt);

public sealed record ReportWithdrawn(
    Guid ReportId,
    string TrackingNumber,
    string Reason,
    Actor WithdrawnBy,
    DateTimeOffset WithdrawnAt);

/// <summary>
/// Words for the reporter from the people handling the report, received from another service
/// (<see cref="StaffMessageKinds"/>); <see cref="MessageId"/> is the id of the message that brought it.
/// </summary>
public sealed record StaffMessageReceived(
    Guid ReportId,
    string TrackingNumber,
    Guid MessageId,
    string Kind,
    string Text,
    Actor SentBy,
    DateTimeOffset SentAt);

public static class StaffMessageKinds
{
    public const string Acknowledgement = "acknowledgement";
    public const string Question = "question";
    public const string ProgressUpdate = "progress-update";
}
