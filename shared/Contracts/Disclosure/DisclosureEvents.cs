namespace VulnPlatform.Contracts.Disclosure;

// What Disclosure tells the platform: identifiers, times and public addresses — no personal data and
// nothing of an advisory's embargoed text before it is public.

/// <summary>A coordinator drafted an advisory for a case (<see cref="OrganisationId"/> for a vendor's linked advisory).</summary>
public sealed record AdvisoryDrafted(Guid AdvisoryId, string AdvisoryPublicId, Guid ReportId, string TrackingNumber, Guid? OrganisationId, Actor DraftedBy, DateTimeOffset DraftedAt);

/// <summary>A new version of an advisory; <see cref="IsPublicRevision"/> when the advisory was public already.</summary>
public sealed record AdvisoryRevised(Guid AdvisoryId, string AdvisoryPublicId, Guid ReportId, int Version, bool IsPublicRevision, string ChangeSummary, Actor RevisedBy, DateTimeOffset RevisedAt);

/// <summary>A case's advisories got their publication instant (given in <see cref="TimeZone"/> as <see cref="LocalTime"/>).</summary>
public sealed record AdvisoriesScheduled(Guid ReportId, string TrackingNumber, DateTimeOffset PublishAt, string TimeZone, string LocalTime, Actor ScheduledBy, DateTimeOffset ScheduledAt);

/// <summary>The instant moved (or, with <see cref="PublishAt"/> null, was cancelled) before it passed.</summary>
public sealed record AdvisoriesRescheduled(Guid ReportId, string TrackingNumber, DateTimeOffset? PublishAt, string? TimeZone, string? LocalTime, Actor RescheduledBy, DateTimeOffset RescheduledAt);

/// <summary>
/// A coordinator scheduled a case's advisories at an instant the coordination had not agreed to, confirming
/// it with <see cref="Reason"/>: <see cref="Concerns"/> are <c>before-agreed-date</c>, <c>inside-pre-notice-lead</c>,
/// <c>vendor-not-acknowledged</c>, <c>vendor-no-final-status</c>. The case's vendors
/// (<see cref="VendorOrganisationIds"/>) are told, with the reason.
/// </summary>
public sealed record AdvisoryScheduleOverridden(
    Guid ReportId, string TrackingNumber, DateTimeOffset PublishAt, string TimeZone, string LocalTime, IReadOnlyList<string> Concerns, string Reason,
    IReadOnlyList<Guid> VendorOrganisationIds, Actor OverriddenBy, DateTimeOffset OverriddenAt);

/// <summary>
/// The publication watch held a case's advisories back shortly before <see cref="PublishAt"/> (the schedule
/// is cancelled, nothing went public): <see cref="Reason"/> is <c>email-address</c> or <c>name</c> (a text
/// would name the reporter) or <c>unchecked</c> (their identity could not be checked in time). The
/// coordinators are told; nothing of the text or the identity is carried.
/// </summary>
public sealed record AdvisoryPublicationHeld(Guid ReportId, string TrackingNumber, DateTimeOffset PublishAt, string Reason, DateTimeOffset HeldAt);

/// <summary>A published advisory of the set: its public identifier, page and CVE ids.</summary>
public sealed record PublishedAdvisory(string AdvisoryPublicId, string Title, Uri Page, IReadOnlyList<string> CveIds);

/// <summary>
/// Every advisory of a case became public at <see cref="PublishedAt"/> (once per set). The reporter is
/// sent the public notice — and so is the reporter of every report Triage closed as a duplicate of it
/// (<see cref="DuplicateReports"/>); <see cref="Credit"/> is the credit as published (present only with the reporter's consent).
/// </summary>
public sealed record AdvisoriesPublished(
    Guid ReportId, string TrackingNumber, DateTimeOffset PublishedAt, IReadOnlyList<PublishedAdvisory> Advisories, string? Credit,
    IReadOnlyList<DisclosedReport>? DuplicateReports = null);

/// <summary>A report of the same vulnerability (closed as a duplicate of the case's report).</summary>
public sealed record DisclosedReport(Guid ReportId, string TrackingNumber);

/// <summary>
/// The configured customer contacts (by id; Notification asks Disclosure for their addresses) are to
/// get the embargoed pre-notice of a case's advisories: their ids and titles and the publication instant.
/// </summary>
public sealed record CustomersPreNotified(
    Guid ReportId, string TrackingNumber, DateTimeOffset PublishAt, string TimeZone, IReadOnlyList<Guid> CustomerContactIds,
    IReadOnlyList<PublishedAdvisory> Advisories, DateTimeOffset PreNotifiedAt);

/// <summary>Someone asked for a confidential pen-test report under the NDA (their identity stays in Disclosure).</summary>
public sealed record PentestReportRequested(Guid RequestId, string Organisation, DateTimeOffset RequestedAt);

/// <summary>A coordinator released a report to the requester until <see cref="ExpiresAt"/> (the link reaches them through Notification).</summary>
public sealed record PentestRequestApproved(Guid RequestId, DateTimeOffset ExpiresAt, Actor ApprovedBy, DateTimeOffset ApprovedAt);

/// <summary>A coordinator declined a request; <see cref="Reason"/> is written to the requester.</summary>
public sealed record PentestRequestDeclined(Guid RequestId, string Reason, Actor DeclinedBy, DateTimeOffset DeclinedAt);

/// <summary>The requester downloaded the released report (each download is recorded).</summary>
public sealed record PentestReportDownloaded(Guid RequestId, DateTimeOffset DownloadedAt);
