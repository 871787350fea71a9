using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Contracts;

namespace VulnPlatform.VendorCoordination.Cases;

public static class VendorStatuses
{
    public const string Unknown = "unknown";
    public const string UnderInvestigation = "under-investigation";
    public const string Affected = "affected";
    public const string NotAffected = "not-affected";
    public const string Fixed = "fixed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Unknown, UnderInvestigation, Affected, NotAffected, Fixed]);

    /// <summary>CISA's VEX status justifications for not-affected (as CSAF's product status flags name them).</summary>
    public static readonly IReadOnlySet<string> Justifications = new HashSet<string>(
    [
        "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
    ]);
}

public sealed record CoordinationOpened(Guid CaseId, Guid ReportId, string? TrackingNumber, Actor By, DateTimeOffset At);

/// <summary>Triage named a third-party product; <see cref="Suggested"/> are the directory's organisations that match it.</summary>
public sealed record ThirdPartyProductNamed(Guid CaseId, string Vendor, string Product, IReadOnlyList<Guid> Suggested, DateTimeOffset At);

public sealed record VendorAdded(Guid CaseId, Guid OrganisationId, string OrganisationName, Actor By, DateTimeOffset At);

/// <summary>
/// A coordinator took the vendor off the case: it no longer sees it (nor its files, relay or deadlines);
/// <see cref="WasNotified"/> when it had been sent a notice (it is told, with the reason).
/// </summary>
public sealed record VendorRemoved(Guid CaseId, Guid OrganisationId, string OrganisationName, string Reason, bool WasNotified, Actor By, DateTimeOffset At,
    string? TrackingNumber = null);

public sealed record VendorStatusSet(Guid CaseId, Guid OrganisationId, string Status, string? Justification, string? FixedVersion, Actor By, DateTimeOffset At, string? TrackingNumber = null);

public sealed record VendorStatementMade(Guid CaseId, Guid OrganisationId, string Text, Actor By, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>The coordinator sent the vendor its notice (through Notification), with a summary written for it.</summary>
public sealed record VendorNotificationSent(
    Guid CaseId, Guid OrganisationId, string Summary, Actor By, DateTimeOffset At, string? TrackingNumber = null, string? OrganisationName = null);

public sealed record VendorAcknowledgedCase(Guid CaseId, Guid OrganisationId, Actor By, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>The vendor has not acknowledged by its deadline: it is reminded (once per notice).</summary>
public sealed record VendorRemindedOfNotice(Guid CaseId, Guid OrganisationId, DateTimeOffset DueAt, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>Still no acknowledgement after the second period: the coordinator is told (once per notice).</summary>
public sealed record VendorEscalated(Guid CaseId, Guid OrganisationId, DateTimeOffset NotifiedAt, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>The disclosure date the platform proposes at the first notice: 90 days on, or fewer when the vulnerability is exploited in the wild.</summary>
public sealed record DisclosureDateProposed(Guid CaseId, DateTimeOffset DisclosureAt, bool ExploitedInTheWild, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>A vendor asks for another date (with why); the coordinator decides.</summary>
public sealed record DisclosureDateChangeRequested(Guid CaseId, Guid OrganisationId, DateTimeOffset DisclosureAt, string Reason, Actor By, DateTimeOffset At);

/// <summary>The coordinator set the date all parties work to (answering any requests).</summary>
public sealed record DisclosureDateAgreed(Guid CaseId, DateTimeOffset DisclosureAt, Actor By, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>The agreed (or proposed) disclosure date passed: once per date.</summary>
public sealed record DisclosureDateReached(Guid CaseId, DateTimeOffset DisclosureAt, DateTimeOffset At, string? TrackingNumber = null);

public static class CoordinationEventTypes
{
    public static readonly Type[] All =
        [typeof(CoordinationOpened), typeof(ThirdPartyProductNamed), typeof(VendorAdded), typeof(VendorRemoved), typeof(VendorStatusSet), typeof(VendorStatementMade),
         typeof(VendorNotificationSent), typeof(VendorAcknowledgedCase), typeof(VendorRemindedOfNotice), typeof(VendorEscalated),
         typeof(DisclosureDateProposed), typeof(DisclosureDateChangeRequested), typeof(DisclosureDateAgreed), typeof(DisclosureDateReached),
         typeof(RelayReviewChanged), typeof(RelayMessageReceived), typeof(RelayMessageReleased), typeof(RelayMessageDeclined),
         typeof(AttachmentShared), typeof(AttachmentUnshared)];
}

public sealed record NamedProduct(string Vendor, string Product, IReadOnlyList<Guid> Suggested);

public sealed record Statement(string Text, string? ById, string ByKind, DateTimeOffset At);

public sealed record Notice(string Summary, DateTimeOffset At);

/// <summary>The vulnerability's scores from Triage (no personal data): what a vendor's view shows beside the coordinator's summary.</summary>
public sealed class ReportScores
{
    public Guid Id { get; set; }
    public string? CvssVector { get; set; }
    public decimal? BaseScore { get; set; }
    public string? Severity { get; set; }
    public string? Cwe { get; set; }
}

/// <summary>One vendor's part in a case: what the disclosure needs for its affected / not-affected / fixed lists.</summary>
public sealed class VendorEntry
{
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
    public DateTimeOffset? NotifiedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string Status { get; set; } = VendorStatuses.Unknown;
    public string? Justification { get; set; }
    public string? FixedVersion { get; set; }
    public DateTimeOffset? StatusAt { get; set; }
    public List<Statement> Statements { get; set; } = [];
    /// <summary>What the coordinator sent this vendor, each notice with its summary.</summary>
    public List<Notice> Notices { get; set; } = [];
    /// <summary>While unacknowledged: when the reminder is due, then when the case escalates.</summary>
    public DateTimeOffset? RemindAt { get; set; }
    public DateTimeOffset? EscalateAt { get; set; }
    public bool Reminded { get; set; }
    public bool Escalated { get; set; }
    /// <summary>The relay with the reporter: both directions, held ones included (the vendor sees the reporter's only once relayed).</summary>
    public List<RelayedMessage> Messages { get; set; } = [];
    /// <summary>The reporter's files the coordinator shared with this vendor.</summary>
    public List<SharedFile> Files { get; set; } = [];

    /// <summary>The vendor's next deadline, if one is running.</summary>
    public DateTimeOffset? NextDeadline => AcknowledgedAt is not null ? null : Reminded ? (Escalated ? null : EscalateAt) : RemindAt;
}

public sealed record CoordinationStep(DateTimeOffset At, string Event, Guid? OrganisationId, string? ById);

public sealed record DateRequest(Guid OrganisationId, DateTimeOffset DisclosureAt, string Reason, DateTimeOffset At);

/// <summary>The case's disclosure date: proposed, then agreed by the coordinator; vendors' open requests to move it.</summary>
public sealed class DisclosurePlan
{
    public DateTimeOffset? DisclosureAt { get; set; }
    public bool Agreed { get; set; }
    public bool ExploitedInTheWild { get; set; }
    public bool Reached { get; set; }
    public List<DateRequest> Requests { get; set; } = [];
}

/// <summary>A coordination case as it stands (inline with its events): the products Triage named and every vendor's part.</summary>
public sealed class CoordinationCase
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public string? TrackingNumber { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public List<NamedProduct> Products { get; set; } = [];
    public List<VendorEntry> Vendors { get; set; } = [];
    /// <summary>The organisations on the case (what a vendor's own view filters on).</summary>
    public List<Guid> OrganisationIds { get; set; } = [];
    public List<CoordinationStep> History { get; set; } = [];
    public DisclosurePlan Disclosure { get; set; } = new();
    /// <summary>The earliest deadline (a vendor's reminder or escalation, or the disclosure date): what the watcher and the coordinator's queue look at.</summary>
    public DateTimeOffset? NextDeadlineAt { get; set; }
    /// <summary>A vendor did not acknowledge in time and the case was escalated.</summary>
    public bool Overdue { get; set; }
    /// <summary>Relayed messages wait for the coordinator's review.</summary>
    public bool HoldMessages { get; set; }
    /// <summary>How many messages are waiting for that review.</summary>
    public int HeldMessages { get; set; }
    public long Version { get; set; }

    public RelayedMessage? Message(Guid messageId) => Vendors.SelectMany(v => v.Messages).FirstOrDefault(m => m.Id == messageId);

    public VendorEntry? Vendor(Guid organisationId) => Vendors.FirstOrDefault(v => v.OrganisationId == organisationId);

    /// <summary>
    /// The organisation's part, once it has been sent a notice: before that a vendor added to the case
    /// (perhaps by mistake) neither sees nor acts on it.
    /// </summary>
    public VendorEntry? NotifiedVendor(Guid organisationId) => Vendor(organisationId) is { NotifiedAt: not null } vendor ? vendor : null;

    /// <summary>The products of the case that are the organisation's (named for it, or under its name): never another vendor's.</summary>
    public IEnumerable<string> ProductsOf(VendorEntry vendor) => Products
        .Where(p => p.Suggested.Contains(vendor.OrganisationId) || string.Equals(p.Vendor.Trim(), vendor.Name.Trim(), StringComparison.OrdinalIgnoreCase))
        .Select(p => p.Product).Distinct();
}

/// <summary>Section <c>Coordination:Deadlines</c>: business days (the platform's calendar) a vendor has to acknowledge, then before escalation.</summary>
public sealed class VendorDeadlineOptions
{
    public const string Section = "Coordination:Deadlines";

    public int RemindAfterBusinessDays { get; set; } = 5;
    /// <summary>The disclosure date proposed at the first notice, and the shorter one when the vulnerability is exploited in the wild.</summary>
    public int DisclosureAfterDays { get; set; } = 90;
    public int ExploitedDisclosureAfterDays { get; set; } = 7;
    public int EscalateAfterBusinessDays { get; set; } = 10;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class CoordinationCaseProjection(VulnPlatform.ServiceDefaults.Calendar.BusinessCalendar calendar, VendorDeadlineOptions deadlines)
    : SingleStreamProjection<CoordinationCase, Guid>
{
    public static CoordinationCase Create(IEvent<CoordinationOpened> e) => new()
    {
        Id = e.Data.CaseId, ReportId = e.Data.ReportId, TrackingNumber = e.Data.TrackingNumber, OpenedAt = e.Data.At, Version = e.Version,
        History = [new CoordinationStep(e.Data.At, "opened", null, e.Data.By.Id)],
    };

    public void Apply(IEvent<ThirdPartyProductNamed> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, "product-named", null, null, () => c.Products.Add(new NamedProduct(e.Data.Vendor, e.Data.Product, e.Data.Suggested)));

    public void Apply(IEvent<VendorAdded> e, CoordinationCase c) => Step(c, e, e.Data.At, "vendor-added", e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        c.Vendors.Add(new VendorEntry { OrganisationId = e.Data.OrganisationId, Name = e.Data.OrganisationName, AddedAt = e.Data.At });
        c.OrganisationIds.Add(e.Data.OrganisationId);
    });

    public void Apply(IEvent<VendorRemoved> e, CoordinationCase c) => Step(c, e, e.Data.At, "vendor-removed", e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        c.Vendors.RemoveAll(v => v.OrganisationId == e.Data.OrganisationId);
        c.OrganisationIds.Remove(e.Data.OrganisationId);
    });

    public void Apply(IEvent<VendorStatusSet> e, CoordinationCase c) => Step(c, e, e.Data.At, "status-" + e.Data.Status, e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        var vendor = c.Vendor(e.Data.OrganisationId)!;
        vendor.Status = e.Data.Status;
        vendor.Justification = e.Data.Justification;
        vendor.FixedVersion = e.Data.FixedVersion;
        vendor.StatusAt = e.Data.At;
    });

    public void Apply(IEvent<VendorStatementMade> e, CoordinationCase c) => Step(c, e, e.Data.At, "statement", e.Data.OrganisationId, e.Data.By.Id,
        () => c.Vendor(e.Data.OrganisationId)!.Statements.Add(new Statement(e.Data.Text, e.Data.By.Id, e.Data.By.Kind, e.Data.At)));

    public void Apply(IEvent<VendorNotificationSent> e, CoordinationCase c) => Step(c, e, e.Data.At, "notified", e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        var vendor = c.Vendor(e.Data.OrganisationId)!;
        vendor.NotifiedAt ??= e.Data.At;
        vendor.Notices.Add(new Notice(e.Data.Summary, e.Data.At));
        if (vendor.AcknowledgedAt is not null) return;
        // A new notice starts the clocks again from it.
        vendor.RemindAt = calendar.AddBusinessDays(e.Data.At, deadlines.RemindAfterBusinessDays);
        vendor.EscalateAt = calendar.AddBusinessDays(e.Data.At, deadlines.EscalateAfterBusinessDays);
        vendor.Reminded = false;
        vendor.Escalated = false;
    });

    public void Apply(IEvent<VendorAcknowledgedCase> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, "acknowledged", e.Data.OrganisationId, e.Data.By.Id, () => c.Vendor(e.Data.OrganisationId)!.AcknowledgedAt ??= e.Data.At);

    public void Apply(IEvent<VendorRemindedOfNotice> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, "vendor-reminded", e.Data.OrganisationId, null, () => c.Vendor(e.Data.OrganisationId)!.Reminded = true);

    public void Apply(IEvent<VendorEscalated> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, "escalated", e.Data.OrganisationId, null, () => c.Vendor(e.Data.OrganisationId)!.Escalated = true);

    public void Apply(IEvent<DisclosureDateProposed> e, CoordinationCase c) => Step(c, e, e.Data.At, "disclosure-date-proposed", null, null, () =>
    {
        c.Disclosure.DisclosureAt = e.Data.DisclosureAt;
        c.Disclosure.ExploitedInTheWild = e.Data.ExploitedInTheWild;
        c.Disclosure.Reached = false;
    });

    public void Apply(IEvent<DisclosureDateChangeRequested> e, CoordinationCase c) => Step(c, e, e.Data.At, "disclosure-date-change-requested", e.Data.OrganisationId,
        e.Data.By.Id, () => c.Disclosure.Requests.Add(new DateRequest(e.Data.OrganisationId, e.Data.DisclosureAt, e.Data.Reason, e.Data.At)));

    public void Apply(IEvent<DisclosureDateAgreed> e, CoordinationCase c) => Step(c, e, e.Data.At, "disclosure-date-agreed", null, e.Data.By.Id, () =>
    {
        c.Disclosure.DisclosureAt = e.Data.DisclosureAt;
        c.Disclosure.Agreed = true;
        c.Disclosure.Reached = false;
        c.Disclosure.Requests.Clear();
    });

    public void Apply(IEvent<DisclosureDateReached> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, "disclosure-date-reached", null, null, () => c.Disclosure.Reached = true);

    public void Apply(IEvent<RelayReviewChanged> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, e.Data.Hold ? "relay-review-on" : "relay-review-off", null, e.Data.By.Id, () => c.HoldMessages = e.Data.Hold);

    public void Apply(IEvent<RelayMessageReceived> e, CoordinationCase c) => Step(c, e, e.Data.At, "message-" + e.Data.Direction, e.Data.OrganisationId,
        e.Data.By.Id, () => c.Vendor(e.Data.OrganisationId)!.Messages.Add(new RelayedMessage
        {
            Id = e.Data.MessageId, Direction = e.Data.Direction, Text = e.Data.Text, At = e.Data.At,
            State = e.Data.Held ? RelayStates.Held : RelayStates.Relayed, DecidedAt = e.Data.Held ? null : e.Data.At,
        }));

    public void Apply(IEvent<RelayMessageReleased> e, CoordinationCase c) => Step(c, e, e.Data.At, "message-released", e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        var message = c.Message(e.Data.MessageId)!;
        message.State = RelayStates.Relayed;
        message.DecidedAt = e.Data.At;
    });

    public void Apply(IEvent<RelayMessageDeclined> e, CoordinationCase c) => Step(c, e, e.Data.At, "message-declined", e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        var message = c.Message(e.Data.MessageId)!;
        message.State = RelayStates.Declined;
        message.DecidedAt = e.Data.At;
        message.Reason = e.Data.Reason;
    });

    public void Apply(IEvent<AttachmentShared> e, CoordinationCase c) => Step(c, e, e.Data.At, "attachment-shared", e.Data.OrganisationId, e.Data.By.Id,
        () => c.Vendor(e.Data.OrganisationId)!.Files.Add(
            new SharedFile(e.Data.AttachmentId, e.Data.FileName, e.Data.Size, e.Data.Sha256, e.Data.ContentType, e.Data.At)));

    public void Apply(IEvent<AttachmentUnshared> e, CoordinationCase c) => Step(c, e, e.Data.At, "attachment-unshared", e.Data.OrganisationId, e.Data.By.Id,
        () => c.Vendor(e.Data.OrganisationId)!.Files.RemoveAll(f => f.AttachmentId == e.Data.AttachmentId));

    private static void Step(CoordinationCase c, IEvent e, DateTimeOffset at, string name, Guid? organisation, string? by, Action change)
    {
        change();
        c.History.Add(new CoordinationStep(at, name, organisation, by));
        c.NextDeadlineAt = c.Vendors.Select(v => v.NextDeadline)
            .Append(c.Disclosure is { Reached: false, DisclosureAt: { } disclosure } ? disclosure : null).Where(d => d is not null).Min();
        c.Overdue = c.Vendors.Any(v => v.Escalated && v.AcknowledgedAt is null);
        c.HeldMessages = c.Vendors.Sum(v => v.Messages.Count(m => m.State == RelayStates.Held));
        c.Version = e.Version;
    }
}
