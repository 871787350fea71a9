using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Contracts.VendorCoordination;

namespace VulnPlatform.Notification.Webhooks;

/// <summary>
/// The platform events a webhook subscriber may choose, by name (<c>service.event</c>, kebab case).
/// Account events (sign-ins, lockouts) are for their owner only and are never offered; nor are the
/// texts relayed between a vendor and the reporter.
/// </summary>
public static class WebhookEventTypes
{
    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(ReportSubmitted)] = "intake.report-submitted",
        [typeof(SubmissionRouted)] = "intake.submission-routed",
        [typeof(ReportWithdrawn)] = "intake.report-withdrawn",
        [typeof(CaseOpened)] = "triage.case-opened",
        [typeof(ReportAcknowledged)] = "triage.report-acknowledged",
        [typeof(MoreInformationRequested)] = "triage.more-information-requested",
        [typeof(CaseAssessed)] = "triage.case-assessed",
        [typeof(CaseValidated)] = "triage.case-validated",
        [typeof(CaseRejected)] = "triage.case-rejected",
        [typeof(ThirdPartyIdentified)] = "triage.third-party-identified",
        [typeof(RemediationPlanned)] = "triage.remediation-planned",
        [typeof(ProgressUpdatePosted)] = "triage.progress-update-posted",
        [typeof(CaseFixed)] = "triage.case-fixed",
        [typeof(CaseClosed)] = "triage.case-closed",
        [typeof(SlaWarning)] = "triage.sla-warning",
        [typeof(SlaBreached)] = "triage.sla-breached",
        [typeof(CoordinationCaseOpened)] = "coordination.case-opened",
        [typeof(VendorNotified)] = "coordination.vendor-notified",
        [typeof(VendorAcknowledged)] = "coordination.vendor-acknowledged",
        [typeof(VendorStatusChanged)] = "coordination.vendor-status-changed",
        [typeof(VendorStatementPosted)] = "coordination.vendor-statement-posted",
        [typeof(VendorUnresponsive)] = "coordination.vendor-unresponsive",
        [typeof(DisclosureDateProposed)] = "coordination.disclosure-date-proposed",
        [typeof(DisclosureDateAgreed)] = "coordination.disclosure-date-agreed",
        [typeof(DisclosureDateReached)] = "coordination.disclosure-date-reached",
    };

    public static IReadOnlyCollection<string> All { get; } = [.. Names.Values.Order()];

    public static Type[] Contracts { get; } = [.. Names.Keys];

    public static string? NameOf(Type type) => Names.GetValueOrDefault(type);
}
