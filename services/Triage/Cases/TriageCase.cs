namespace VulnPlatform.Triage.Cases;

/// <summary>A case as its events leave it: what the decider needs to check a command.</summary>
public sealed record TriageCase(
    Guid Id, Guid ReportId, string TrackingNumber, string State, string? AssigneeId, string? RejectionReason, bool ThirdParty,
    DateTimeOffset SubmittedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset LastMessageToReporterAt)
{
    public bool IsOpen => State != CaseStates.Closed;

    public static TriageCase Create(CaseStarted started) => new(
        started.CaseId, started.ReportId, started.TrackingNumber, CaseStates.New, null, null, false,
        started.SubmittedAt, null, started.SubmittedAt);

    public TriageCase Apply(AcknowledgementGiven e) =>
        this with { State = CaseStates.Acknowledged, AcknowledgedAt = e.At, LastMessageToReporterAt = e.At };

    public TriageCase Apply(AnalystAssigned e) => this with { AssigneeId = e.AnalystId };

    public TriageCase Apply(QuestionAsked e) => this with { State = CaseStates.NeedsInfo, LastMessageToReporterAt = e.At };

    public TriageCase Apply(ReporterReplied e) => State == CaseStates.NeedsInfo ? this with { State = CaseStates.Acknowledged } : this;

    public TriageCase Apply(AssessmentMade e) => this;

    public TriageCase Apply(ValidationConfirmed e) => this with { State = CaseStates.Validated, LastMessageToReporterAt = e.At };

    public TriageCase Apply(RejectionDecided e) =>
        this with { State = CaseStates.Rejected, RejectionReason = e.Reason, LastMessageToReporterAt = e.At };

    public TriageCase Apply(ThirdPartyNamed e) => this with { ThirdParty = true };

    public TriageCase Apply(RemediationPlanMade e) => this with { State = CaseStates.RemediationPlanned, LastMessageToReporterAt = e.At };

    public TriageCase Apply(UpdateGiven e) => this with { LastMessageToReporterAt = e.At };

    public TriageCase Apply(FixConfirmed e) => this with { State = CaseStates.Fixed, LastMessageToReporterAt = e.At };

    public TriageCase Apply(CaseEnded e) => this with { State = CaseStates.Closed };

    public TriageCase Apply(SlaWarned e) => this;

    public TriageCase Apply(DuplicateLinked e) => this;

    public TriageCase Apply(AttachmentNoted e) => this;

    public TriageCase Apply(SlaMissed e) => this;

    public TriageCase Apply(ReporterRemindedOfQuestion e) => this with { LastMessageToReporterAt = e.At };
}
