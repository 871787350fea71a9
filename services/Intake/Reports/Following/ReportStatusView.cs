namespace VulnPlatform.Intake.Reports.Following;

/// <summary>The reporter's view of a report, kept inline with Intake's events.</summary>
public sealed class ReportStatusView
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Desk { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string FollowUpTokenHash { get; set; } = "";

    /// <summary>The account that submitted the report, when the reporter was signed in: it reads the report without the token.</summary>
    public Guid? ReporterAccountId { get; set; }

    /// <summary>Sealed under the report's key as in the event; opened only to answer the reporter.</summary>
    public byte[]? Contact { get; set; }

    /// <summary>When the reporter's personal data of this report was erased, if it was.</summary>
    public DateTimeOffset? ErasedAt { get; set; }

    public ConsentView Consent { get; set; } = new(false, false, null, null);
    public WithdrawalView? Withdrawal { get; set; }
    public List<TimelineEntry> Timeline { get; set; } = [];
    public List<AttachmentView> Attachments { get; set; } = [];
    public List<MessageView> Messages { get; set; } = [];
    /// <summary>The organisations notified of the report and what each was told (never their internals).</summary>
    public List<VendorShareView> SharedWithVendors { get; set; } = [];
    /// <summary>The public advisories of the report's vulnerability, once disclosed.</summary>
    public List<DisclosedAdvisory> Advisories { get; set; } = [];
    /// <summary>The result of the investigation: validated, or not a vulnerability and why.</summary>
    public ResultView? Result { get; set; }
    public PlanView? Plan { get; set; }
    public FixView? Fix { get; set; }
    public ClosedView? Closed { get; set; }
    /// <summary>When the advisories go public, once scheduled (null again when the schedule is cancelled).</summary>
    public PublicationView? Publication { get; set; }
    public DateTimeOffset? PublicationChangedAt { get; set; }
}

/// <summary><see cref="Outcome"/> is validated or not-a-vulnerability (then <see cref="Reason"/> says why, and <see cref="DuplicateOf"/> for a duplicate).</summary>
public sealed record ResultView(string Outcome, string? Reason, string? Explanation, string? DuplicateOf, DateTimeOffset At);

public sealed record PlanView(string Plan, DateOnly? TargetFixDate, DateOnly? ProposedDisclosureDate, DateTimeOffset At);

public sealed record FixView(string FixedVersion, DateTimeOffset At);

public sealed record ClosedView(string Reason, DateTimeOffset At);

/// <summary>The publication instant (UTC), the time zone it was agreed in and the local time there.</summary>
public sealed record PublicationView(DateTimeOffset PublishAt, string TimeZone, string LocalTime, DateTimeOffset ChangedAt);

/// <summary>An organisation the report was shared with (<see cref="OrganisationId"/> is what the reporter writes to it by).</summary>
public sealed record VendorShareView(string Organisation, string Summary, DateTimeOffset At, Guid? OrganisationId = null);

public sealed record TimelineEntry(DateTimeOffset At, string Event, string Description);

public sealed record AttachmentView(
    Guid Id,
    string FileName,
    string DisplayName,
    long Size,
    string Sha256,
    string DeclaredContentType,
    string SniffedContentType,
    DateTimeOffset AddedAt)
{
    public static AttachmentView From(AttachmentStored added) => new(added.AttachmentId, added.FileName, added.DisplayName,
        added.Size, added.Sha256, added.DeclaredContentType, added.SniffedContentType, added.AddedAt);
}

/// <summary>
/// A message on the report: the reporter's (<c>reporter</c>), a reply from the people handling it
/// (<c>staff</c>) or a vendor organisation's, relayed by the coordinator (<c>vendor</c>).
/// <see cref="Organisation"/> names the vendor it came from or (for the reporter's) went to.
/// </summary>
public sealed record MessageView(
    Guid Id, string From, string Text, IReadOnlyList<Guid> AttachmentIds, DateTimeOffset At, string? Organisation = null, Guid? OrganisationId = null);

public sealed record ConsentView(bool ShareIdentityWithVendor, bool PublicCredit, string? CreditName, DateTimeOffset? ChangedAt);

public sealed record WithdrawalView(string Reason, DateTimeOffset At);
