using VulnPlatform.Contracts;

namespace VulnPlatform.Intake.Reports;

// Intake's own events: the source of truth of a report. Integration events for other services are
// mapped from these in IntakeIntegrationEvents; what is not mapped never leaves Intake.

public sealed record ProductDetails(string Vendor, string Name, string? Version);

public sealed record ReportFiled(
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
    DateTimeOffset SubmittedAt,
    string? SuggestedCvssVector = null);

/// <summary>Name, e-mail and language, sealed under the report's data key and bound to the report (never plaintext at rest).</summary>
public sealed record ReporterContactGiven(Guid ReportId, byte[] Contact, DateTimeOffset GivenAt);

public sealed record ReportRoutedToDesk(Guid ReportId, string TrackingNumber, string Kind, string Desk, DateTimeOffset RoutedAt);

public sealed record AttachmentStored(
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

public sealed record ReporterWrote(
    Guid ReportId,
    string TrackingNumber,
    Guid MessageId,
    string Text,
    IReadOnlyList<Guid> AttachmentIds,
    Actor PostedBy,
    DateTimeOffset PostedAt,
    Guid? ToOrganisationId = null);

public sealed record ConsentRecorded(
    Guid ReportId,
    string TrackingNumber,
    bool ShareIdentityWithVendor,
    bool PublicCredit,
    string? CreditName,
    Actor ChangedBy,
    DateTimeOffset ChangedAt);

public sealed record WithdrawalRecorded(
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

/// <summary>
/// A vendor organisation was sent a notice about the report (through vendor coordination):
/// which one, when, and the summary it was given — what the reporter may see of what was shared.
/// </summary>
public sealed record SharedWithVendor(
    Guid ReportId, string TrackingNumber, Guid MessageId, string Organisation, string Summary, DateTimeOffset At, Guid? OrganisationId = null);

/// <summary>
/// A vendor organisation wrote to the reporter through the coordinator (relayed by vendor
/// coordination): the organisation, never the person who wrote it.
/// </summary>
public sealed record VendorWrote(
    Guid ReportId, string TrackingNumber, Guid MessageId, Guid OrganisationId, string Organisation, string Text, DateTimeOffset At);

/// <summary>The report's vulnerability was disclosed: its public advisories (identifier, title, page) as published.</summary>
public sealed record ReportDisclosed(Guid ReportId, string TrackingNumber, Guid MessageId, IReadOnlyList<DisclosedAdvisory> Advisories, string? Credit, DateTimeOffset At);

public sealed record DisclosedAdvisory(string Id, string Title, Uri Page);

public static class StaffMessageKinds
{
    public const string Acknowledgement = "acknowledgement";
    public const string Question = "question";
    public const string ProgressUpdate = "progress-update";
}

/// <summary>
/// The report's data key was destroyed: its sealed contact details and attachments can no longer be
/// read, and the credit name was masked in the stored events. <see cref="Reason"/> is one of <see cref="ErasureReasons"/>.
/// </summary>
public sealed record PersonalDataErased(
    Guid ReportId,
    string TrackingNumber,
    string Reason,
    Actor ErasedBy,
    DateTimeOffset ErasedAt);

public static class ErasureReasons
{
    public const string ReporterRequest = "reporter-request";
    public const string Retention = "retention";
}

/// <summary>A member of staff downloaded an attachment (who, when, which file): every access is on record.</summary>
public sealed record AttachmentAccessed(Guid ReportId, Guid AttachmentId, Actor By, DateTimeOffset At);

/// <summary>A member of staff saw the reporter's contact details, for the reason given.</summary>
public sealed record ReporterIdentityRevealed(Guid ReportId, string Reason, Actor By, DateTimeOffset At);

/// <summary>
/// What the people handling the report decided and owe the reporter, from Triage: the result
/// (<see cref="CaseOutcomes"/>: validated, or not a vulnerability with its <see cref="Reason"/>), the plan
/// with its dates, the fix, the close. <see cref="Text"/> is what staff wrote to the reporter with it.
/// </summary>
public sealed record OutcomeReceived(
    Guid ReportId, string TrackingNumber, Guid MessageId, string Outcome, string? Reason, string? Text, string? DuplicateOf,
    DateOnly? TargetFixDate, DateOnly? ProposedDisclosureDate, string? FixedVersion, DateTimeOffset At);

/// <summary>The advisories' publication instant, from Disclosure: set, moved, or (null) cancelled.</summary>
public sealed record DisclosureDateSet(
    Guid ReportId, string TrackingNumber, Guid MessageId, DateTimeOffset? PublishAt, string? TimeZone, string? LocalTime, DateTimeOffset At);

public static class CaseOutcomes
{
    public const string Validated = "validated";
    public const string NotAVulnerability = "not-a-vulnerability";
    public const string RemediationPlanned = "remediation-planned";
    public const string Fixed = "fixed";
    public const string Closed = "closed";
}
