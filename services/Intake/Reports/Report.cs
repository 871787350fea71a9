using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports;

/// <summary>The write model of a report: only what the deciders need to check invariants.</summary>
public sealed record Report(
    Guid Id,
    string TrackingNumber,
    string Kind,
    string Status,
    IReadOnlyList<Guid> AttachmentIds,
    long AttachmentBytes,
    ReporterConsent Consent,
    bool IsErased = false,
    IReadOnlyList<Guid>? VendorOrganisations = null)
{
    /// <summary>The vendor organisations the report was shared with: the ones the reporter may write to through the coordinator.</summary>
    public IReadOnlyList<Guid> SharedWith => VendorOrganisations ?? [];

    public Report Apply(SharedWithVendor shared) =>
        shared.OrganisationId is { } organisation && !SharedWith.Contains(organisation) ? this with { VendorOrganisations = [.. SharedWith, organisation] } : this;

    public bool IsWithdrawn => Status == ReportStatuses.Withdrawn;

    /// <summary>The report as the given events (of a new stream) leave it.</summary>
    public static Report From(IReadOnlyList<object> events) =>
        events.Skip(1).Aggregate(Create((ReportFiled)events[0]), (report, e) => e switch
        {
            ReportRoutedToDesk routed => report.Apply(routed),
            _ => report,
        });

    public static Report Create(ReportFiled submitted) =>
        new(submitted.ReportId, submitted.TrackingNumber, submitted.Kind, ReportStatuses.Received, [], 0, ReporterConsent.None);

    public Report Apply(ReportRoutedToDesk routed) => this with { Status = ReportStatuses.AfterRouting };

    public Report Apply(AttachmentStored added) => this with
    {
        AttachmentIds = [.. AttachmentIds, added.AttachmentId],
        AttachmentBytes = AttachmentBytes + added.Size,
    };

    public Report Apply(ConsentRecorded changed) =>
        this with { Consent = new ReporterConsent(changed.ShareIdentityWithVendor, changed.PublicCredit, changed.CreditName) };

    public Report Apply(StaffMessageReceived received) =>
        this with { Status = ReportStatuses.AfterStaffMessage(received.Kind, Status) };

    public Report Apply(ReporterWrote posted) => posted.ToOrganisationId is null ? this with { Status = ReportStatuses.AfterReporterMessage(Status) } : this;

    public Report Apply(WithdrawalRecorded withdrawn) => this with { Status = ReportStatuses.AfterWithdrawal };

    public Report Apply(ReportDisclosed disclosed) => this with { Status = ReportStatuses.AfterDisclosure(Status) };

    public Report Apply(OutcomeReceived outcome) => this with { Status = ReportStatuses.AfterOutcome(outcome.Outcome, Status) };

    public Report Apply(PersonalDataErased erased) => this with { IsErased = true, Consent = Consent with { CreditName = null } };

    /// <summary>The refusal every change to a withdrawn report gets.</summary>
    public Refusal? RefuseIfWithdrawn() => IsWithdrawn
        ? new Refusal(StatusCodes.Status409Conflict, IntakeProblems.Withdrawn, "Report withdrawn",
            $"Report {TrackingNumber} was withdrawn; it accepts no further changes.")
        : null;
}

/// <summary>What the reporter allows; nothing until they say otherwise.</summary>
public sealed record ReporterConsent(bool ShareIdentityWithVendor, bool PublicCredit, string? CreditName)
{
    public static ReporterConsent None { get; } = new(false, false, null);
}

public static class ReportStatuses
{
    public const string Received = "received";
    public const string Routed = "routed";
    public const string Withdrawn = "withdrawn";
    public const string Acknowledged = "acknowledged";
    public const string MoreInformationRequested = "more-information-requested";
    public const string Disclosed = "disclosed";
    public const string Validated = CaseOutcomes.Validated;
    public const string NotAVulnerability = CaseOutcomes.NotAVulnerability;
    public const string RemediationPlanned = CaseOutcomes.RemediationPlanned;
    public const string Fixed = CaseOutcomes.Fixed;
    public const string Closed = CaseOutcomes.Closed;

    // The status rules, shared by the write model and the reporter's view so the two cannot drift.

    /// <summary>Fraud and general questions go to a desk instead of triage.</summary>
    public const string AfterRouting = Routed;

    /// <summary>A withdrawn report stays withdrawn whatever comes after.</summary>
    public const string AfterWithdrawal = Withdrawn;

    /// <summary>A question waits for the reporter's answer; an acknowledgement moves a new report on; a withdrawn report stays withdrawn.</summary>
    public static string AfterStaffMessage(string kind, string current) => (kind, current) switch
    {
        (_, Withdrawn) => Withdrawn,
        (StaffMessageKinds.Question, Received or Acknowledged or MoreInformationRequested) => MoreInformationRequested,
        (StaffMessageKinds.Acknowledgement, Received) => Acknowledged,
        _ => current,
    };

    /// <summary>A disclosed vulnerability is disclosed from then on (a withdrawn report stays withdrawn).</summary>
    public static string AfterDisclosure(string current) => current == Withdrawn ? Withdrawn : Disclosed;

    /// <summary>
    /// The result, the plan, the fix and the close move the report on; a withdrawn report stays withdrawn and
    /// a disclosed one disclosed (its advisories say more than "closed").
    /// </summary>
    public static string AfterOutcome(string outcome, string current) =>
        current is Withdrawn or Disclosed || Stage(current) > Stage(outcome) ? current : outcome; // queues may deliver a later step first

    private static int Stage(string status) => status switch
    {
        Validated or NotAVulnerability => 1,
        RemediationPlanned => 2,
        Fixed => 3,
        Closed => 4,
        _ => 0,
    };

    /// <summary>The reporter's message answers an open question, which hands the report back to staff.</summary>
    public static string AfterReporterMessage(string current) =>
        current == MoreInformationRequested ? Acknowledged : current;
}
