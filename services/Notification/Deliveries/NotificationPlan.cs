using System.Globalization;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Identity;
using VulnPlatform.Contracts.Disclosure;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.Notification.Webhooks;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>A message to write: a template, its values, and who it is for (resolved to an address only when it is sent).</summary>
public sealed record PlannedMessage(string Template, Recipient Recipient, Guid? ReportId, string? TrackingNumber, Dictionary<string, string?> Values, bool Inbox, bool Email = true);

public sealed class NotificationPolicyOptions
{
    public const string Section = "Notification:Policy";

    /// <summary>What the receipt promises (the Triage service's clocks enforce it).</summary>
    public int AcknowledgementHours { get; set; } = 24;
    public int UpdateEveryBusinessDays { get; set; } = 5;
}

/// <summary>
/// Which messages an integration event means, for whom, with which values (pure: no lookups). The
/// reporter is named by the report's id; staff by their account id; desks by name.
/// </summary>
public static class NotificationPlan
{
    public static IReadOnlyList<PlannedMessage> For(object message, NotificationPolicyOptions policy) => message switch
    {
        ReportSubmitted { Kind: ReportKinds.Vulnerability } m => [ToReporter("receipt", m.ReportId, m.TrackingNumber, new()
        {
            ["title"] = m.Title,
            ["acknowledgementHours"] = policy.AcknowledgementHours.ToString(CultureInfo.InvariantCulture),
            ["updateEveryBusinessDays"] = policy.UpdateEveryBusinessDays.ToString(CultureInfo.InvariantCulture),
        })],
        ReportSubmitted m =>
        [
            ToReporter("routed", m.ReportId, m.TrackingNumber, new() { ["kind"] = m.Kind, ["desk"] = DeskOf(m.Kind), ["title"] = m.Title }),
            new PlannedMessage("desk-submission", new Recipient(Recipient.Desk, DeskOf(m.Kind)), m.ReportId, m.TrackingNumber,
                Values(m.TrackingNumber, new() { ["kind"] = m.Kind, ["desk"] = DeskOf(m.Kind), ["title"] = m.Title, ["description"] = m.Description }), Inbox: false),
        ],
        ReportAcknowledged m => [ToReporter("acknowledged", m.ReportId, m.TrackingNumber, new() { ["message"] = m.Message })],
        MoreInformationRequested m => [ToReporter("question", m.ReportId, m.TrackingNumber, new() { ["question"] = m.Question })],
        ProgressUpdatePosted m => [ToReporter("progress-update", m.ReportId, m.TrackingNumber, new() { ["update"] = m.Update })],
        CaseValidated m => [ToReporter("validated", m.ReportId, m.TrackingNumber, new() { ["explanation"] = m.Explanation })],
        CaseRejected m => [ToReporter("rejected", m.ReportId, m.TrackingNumber, new()
        {
            ["reason"] = m.Reason, ["explanation"] = m.Explanation, ["duplicateOf"] = m.DuplicateOf,
        })],
        RemediationPlanned m => [ToReporter("remediation-planned", m.ReportId, m.TrackingNumber, new()
        {
            ["plan"] = m.Plan, ["targetFixDate"] = Date(m.TargetFixDate), ["proposedDisclosureDate"] = Date(m.ProposedDisclosureDate),
        })],
        CaseFixed m => [ToReporter("fixed", m.ReportId, m.TrackingNumber, new() { ["fixedVersion"] = m.FixedVersion })],
        CaseClosed m => [ToReporter("closed", m.ReportId, m.TrackingNumber, new() { ["reason"] = m.Reason })],
        ReporterReminded m => [ToReporter("reminder", m.ReportId, m.TrackingNumber, new() { ["questionAskedAt"] = Instant(m.QuestionAskedAt) })],
        SlaWarning m => [ToStaff("sla-warning", m.AssigneeId, m.ReportId, m.TrackingNumber, m.Clock, m.DueAt)],
        SlaBreached m => [ToStaff("sla-breached", m.AssigneeId, m.ReportId, m.TrackingNumber, m.Clock, m.DueAt)],
        VendorNotified m => [ToVendor("vendor-notice", m.OrganisationId, m.ReportId, m.TrackingNumber, new() { ["summary"] = m.Summary })],
        VendorRemovedFromCase { WasNotified: true } m => [ToVendor("vendor-removed", m.OrganisationId, m.ReportId, m.TrackingNumber, new() { ["reason"] = m.Reason })],
        VendorReminded m => [ToVendor("vendor-reminder", m.OrganisationId, m.ReportId, m.TrackingNumber, new() { ["dueAt"] = Instant(m.DueAt) })],
        VendorMessageRelayed { Direction: VendorMessageRelayed.ToVendor } m =>
            [ToVendor("vendor-message", m.OrganisationId, m.ReportId, m.TrackingNumber, new() { ["text"] = m.Text })],
        VendorMessageRelayed m => [ToReporter("vendor-reply", m.ReportId, m.TrackingNumber ?? "", new()
        {
            ["text"] = m.Text, ["organisation"] = m.OrganisationName ?? "A vendor",
        })],
        AdvisoriesPublished m => [.. new[] { new DisclosedReport(m.ReportId, m.TrackingNumber) }.Concat(m.DuplicateReports ?? [])
            .Select(report => ToReporter("disclosed", report.ReportId, report.TrackingNumber, new()
            {
                ["advisories"] = string.Join("\n", m.Advisories.Select(a => $"{a.AdvisoryPublicId}: {a.Title} — {a.Page}")),
                ["firstPage"] = m.Advisories.FirstOrDefault()?.Page.ToString(),
                // The credit is the case reporter's; the reporter of a duplicate is thanked without it.
                ["credit"] = report.ReportId == m.ReportId ? m.Credit : null,
                ["duplicate"] = report.ReportId == m.ReportId ? null : "true",
                ["publishedAt"] = Instant(m.PublishedAt),
            }))],
        CustomersPreNotified m => [.. m.CustomerContactIds.Select(id => new PlannedMessage("customer-prenotice", new Recipient(Recipient.Customer, id.ToString()),
            m.ReportId, m.TrackingNumber, Values(m.TrackingNumber, new()
            {
                ["advisories"] = string.Join("\n", m.Advisories.Select(a => $"{a.AdvisoryPublicId}: {a.Title} — {a.Page}")),
                ["publishAt"] = Instant(m.PublishAt), ["timeZone"] = m.TimeZone, ["localPublishAt"] = Local(m.PublishAt, m.TimeZone),
            }), Inbox: false))],
        AdvisoryScheduleOverridden m => [.. m.VendorOrganisationIds.Distinct().Select(organisation => ToVendor("publication-override", organisation, m.ReportId, m.TrackingNumber, new()
        {
            ["publishAt"] = Instant(m.PublishAt), ["timeZone"] = m.TimeZone, ["localPublishAt"] = Local(m.PublishAt, m.TimeZone), ["reason"] = m.Reason,
            ["beforeAgreedDate"] = Flag(m.Concerns.Contains("before-agreed-date")), ["insideLead"] = Flag(m.Concerns.Contains("inside-pre-notice-lead")),
            ["notAcknowledged"] = Flag(m.Concerns.Contains("vendor-not-acknowledged")), ["noFinalStatus"] = Flag(m.Concerns.Contains("vendor-no-final-status")),
        }))],
        AdvisoryPublicationHeld m => [new PlannedMessage("publication-held", new Recipient(Recipient.Desk, StaffDesks.Coordination), m.ReportId, m.TrackingNumber,
            Values(m.TrackingNumber, new() { ["publishAt"] = Instant(m.PublishAt), ["reason"] = m.Reason, ["heldAt"] = Instant(m.HeldAt) }), Inbox: false)],
        PentestReportRequested m => [new PlannedMessage("pentest-requested", new Recipient(Recipient.Desk, StaffDesks.Coordination), null, null,
            new() { ["organisation"] = m.Organisation, ["requestId"] = m.RequestId.ToString(), ["requestedAt"] = Instant(m.RequestedAt) }, Inbox: false)],
        PentestRequestApproved m => [new PlannedMessage("pentest-approved", new Recipient(Recipient.PentestRequester, m.RequestId.ToString()), null, null,
            new() { ["requestId"] = m.RequestId.ToString() }, Inbox: false)],
        PentestRequestDeclined m => [new PlannedMessage("pentest-declined", new Recipient(Recipient.PentestRequester, m.RequestId.ToString()), null, null,
            new() { ["reason"] = m.Reason }, Inbox: false)],
        VendorUnresponsive m => [new PlannedMessage("vendor-unresponsive", new Recipient(Recipient.Desk, StaffDesks.Coordination), m.ReportId, m.TrackingNumber,
            Values(m.TrackingNumber ?? "", new() { ["notifiedAt"] = Instant(m.NotifiedAt) }), Inbox: false)],
        EmailConfirmationRequested m => [ToAccount("email-confirmation", m.AccountId, new() { ["requestId"] = m.RequestId.ToString() }, inbox: false)],
        AccountSignedIn m => [ToAccount("new-sign-in", m.AccountId, new()
        {
            // The factors as Identity names them (Contracts); the template words them in the reader's language.
            ["password"] = Flag(m.Factors.Contains(SignInFactors.Password)), ["authenticator"] = Flag(m.Factors.Contains(SignInFactors.Authenticator)),
            ["recoveryCode"] = Flag(m.Factors.Contains(SignInFactors.RecoveryCode)), ["at"] = Instant(m.SignedInAt),
        })],
        TwoFactorEnabled m => [ToAccount("two-factor-changed", m.AccountId, new() { ["enabled"] = "true", ["at"] = Instant(m.EnabledAt) })],
        TwoFactorDisabled m => [ToAccount("two-factor-changed", m.AccountId, new() { ["enabled"] = "false", ["at"] = Instant(m.DisabledAt) })],
        AccountLockedOut m => [ToAccount("locked-out", m.AccountId, new()
        {
            ["lockedUntil"] = Instant(m.LockedUntil), ["at"] = Instant(m.LockedAt), ["fromNetwork"] = m.FromNetwork,
        })],
        PasswordChanged m => [ToAccount("password-changed", m.AccountId, new() { ["at"] = Instant(m.ChangedAt) })],
        _ => [],
    };

    public static string DeskOf(string kind) => kind == ReportKinds.Fraud ? Desks.Sales : Desks.Support;

    private static PlannedMessage ToReporter(string template, Guid reportId, string trackingNumber, Dictionary<string, string?> values) =>
        new(template, new Recipient(Recipient.Reporter, reportId.ToString()), reportId, trackingNumber, Values(trackingNumber, values), Inbox: true);

    /// <summary>SLA notices go to the assigned analyst, or to the staff on duty (a desk) when nobody is assigned.</summary>
    private static PlannedMessage ToStaff(string template, string? assigneeId, Guid reportId, string trackingNumber, string clock, DateTimeOffset dueAt)
    {
        var recipient = assigneeId is not null && Guid.TryParse(assigneeId, out var id)
            ? new Recipient(Recipient.Account, id.ToString())
            : new Recipient(Recipient.Desk, StaffDesks.OnDuty);
        return new PlannedMessage(template, recipient, reportId, trackingNumber,
            Values(trackingNumber, new() { ["clock"] = clock, ["dueAt"] = Instant(dueAt) }), Inbox: recipient.Kind == Recipient.Account);
    }

    /// <summary>To a vendor organisation's security contacts; never an inbox (vendors read their cases in their own view).</summary>
    private static PlannedMessage ToVendor(string template, Guid organisationId, Guid reportId, string? trackingNumber, Dictionary<string, string?> values) =>
        new(template, new Recipient(Recipient.Vendor, organisationId.ToString()), reportId, trackingNumber, Values(trackingNumber ?? "", values), Inbox: false);

    private static PlannedMessage ToAccount(string template, Guid accountId, Dictionary<string, string?> values, bool inbox = true) =>
        new(template, new Recipient(Recipient.Account, accountId.ToString()), null, null, values, Inbox: inbox);

    private static Dictionary<string, string?> Values(string trackingNumber, Dictionary<string, string?> values)
    {
        values["trackingNumber"] = trackingNumber;
        return values;
    }

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Local(DateTimeOffset at, string zone) => TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz)
        ? TimeZoneInfo.ConvertTime(at, tz).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + zone
        : Instant(at);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

public static class StaffDesks
{
    /// <summary>The mailbox of whoever is on duty for triage (SLA notices of unassigned cases).</summary>
    public const string OnDuty = "staff-on-duty";

    /// <summary>The coordinators' mailbox (vendors that do not answer).</summary>
    public const string Coordination = "coordination";
}
