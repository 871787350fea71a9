using JasperFx.Events;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.Triage.Sla;

namespace VulnPlatform.Triage.Cases;

/// <summary>What Triage tells the platform: each step of a case, with the text the reporter is sent, and no personal data.</summary>
public sealed class TriageIntegrationEvents(SlaSchedule schedule) : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes =>
    [
        typeof(CaseOpened), typeof(ReportAcknowledged), typeof(MoreInformationRequested), typeof(CaseAssessed), typeof(CaseValidated),
        typeof(CaseRejected), typeof(ThirdPartyIdentified), typeof(RemediationPlanned), typeof(ProgressUpdatePosted), typeof(CaseFixed),
        typeof(CaseClosed), typeof(SlaWarning), typeof(SlaBreached), typeof(ReporterReminded),
    ];

    // A case's stream id is its report's id.
    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        CaseStarted e => new CaseOpened(e.CaseId, e.ReportId, e.TrackingNumber, e.SubmittedAt + schedule.Options.AcknowledgementWithin, e.At),
        AcknowledgementGiven e => new ReportAcknowledged(e.CaseId, e.CaseId, e.TrackingNumber, e.Message, e.By, e.At),
        QuestionAsked e => new MoreInformationRequested(e.CaseId, e.CaseId, e.TrackingNumber, e.Question, e.By, e.At),
        AssessmentMade e => new CaseAssessed(e.CaseId, e.CaseId, e.CvssVector, e.CvssScore, e.Severity, e.Cwe, e.By, e.At),
        ValidationConfirmed e => new CaseValidated(e.CaseId, e.CaseId, e.TrackingNumber, e.Explanation, e.By, e.At),
        RejectionDecided e => new CaseRejected(e.CaseId, e.CaseId, e.TrackingNumber, e.Reason, e.Explanation, e.DuplicateOf, e.By, e.At),
        ThirdPartyNamed e => new ThirdPartyIdentified(e.CaseId, e.CaseId, e.Vendor, e.Product, e.By, e.At, e.TrackingNumber),
        RemediationPlanMade e => new RemediationPlanned(e.CaseId, e.CaseId, e.TrackingNumber, e.Plan, e.TargetFixDate, e.ProposedDisclosureDate, e.By, e.At),
        UpdateGiven e => new ProgressUpdatePosted(e.CaseId, e.CaseId, e.TrackingNumber, e.Text, e.By, e.At),
        FixConfirmed e => new CaseFixed(e.CaseId, e.CaseId, e.TrackingNumber, e.FixedVersion, e.By, e.At),
        CaseEnded e => new CaseClosed(e.CaseId, e.CaseId, e.TrackingNumber, e.Reason, e.By, e.At),
        SlaWarned e => new SlaWarning(e.CaseId, e.CaseId, e.TrackingNumber, e.Clock, e.DueAt, e.At, e.AssigneeId),
        SlaMissed e => new SlaBreached(e.CaseId, e.CaseId, e.TrackingNumber, e.Clock, e.DueAt, e.At, e.AssigneeId),
        ReporterRemindedOfQuestion e => new ReporterReminded(e.CaseId, e.CaseId, e.TrackingNumber, e.AskedAt, e.At),
        _ => null,
    };
}
