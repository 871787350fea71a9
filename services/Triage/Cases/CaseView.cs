using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Triage.Sla;

namespace VulnPlatform.Triage.Cases;

/// <summary>What staff read of a case: its state, scores, deadlines and whole history (inline, so a command's answer is current).</summary>
public sealed class CaseView
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public string TrackingNumber { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string? ProductVersion { get; set; }
    public string? StepsToReproduce { get; set; }
    public string? Impact { get; set; }
    /// <summary>The conversation with the reporter, staff and reporter alike, oldest first.</summary>
    public List<ThreadMessage> Thread { get; set; } = [];
    public List<CaseAttachment> Attachments { get; set; } = [];
    public string State { get; set; } = CaseStates.New;
    public string? Vendor { get; set; }
    public string? Product { get; set; }
    public string? Cwe { get; set; }
    public string? CvssVector { get; set; }
    /// <summary>The reporter's own scoring at submission, if any (a suggestion; <see cref="CvssVector"/> is the analyst's).</summary>
    public string? SuggestedCvssVector { get; set; }
    public decimal? CvssScore { get; set; }
    public string? Severity { get; set; }
    public string? AssigneeId { get; set; }
    public ThirdPartyView? ThirdParty { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset AcknowledgementDueAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset LastMessageToReporterAt { get; set; }
    public string? RejectionReason { get; set; }
    public string? DuplicateOf { get; set; }
    /// <summary>Reports rejected as duplicates of this one.</summary>
    public List<string> Duplicates { get; set; } = [];
    public RemediationView? Remediation { get; set; }
    public string? FixedVersion { get; set; }
    public string? ClosedReason { get; set; }
    /// <summary>The running deadlines, moved by the same rules as the watcher's schedule; <c>Sla.DeadlineAt</c> orders the queue.</summary>
    public SlaClock Sla { get; set; } = new();
    public long Version { get; set; }
    public List<HistoryEntry> History { get; set; } = [];
}

public sealed record ThirdPartyView(string Vendor, string Product);

public sealed record ThreadMessage(DateTimeOffset At, string From, string Kind, string Text);

public sealed record CaseAttachment(Guid Id, string FileName, long Size, string Sha256, DateTimeOffset AddedAt);

/// <summary>A report's file as Triage heard of it (by <see cref="ReportId"/>, whether its case was open yet or not).</summary>
public sealed class CaseFile
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public string FileName { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
}

public sealed record RemediationView(string Plan, DateOnly TargetFixDate, DateOnly ProposedDisclosureDate);

/// <summary>One step of a case: when, what, by whom (an account id, never a name), and the text the reporter was sent, if any.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string Event, string? ById, string? Text);

public sealed class CaseViewProjection(SlaSchedule schedule) : SingleStreamProjection<CaseView, Guid>
{
    public CaseView Create(IEvent<CaseStarted> e) => new()
    {
        Id = e.Data.CaseId, ReportId = e.Data.ReportId, TrackingNumber = e.Data.TrackingNumber, Title = e.Data.Title,
        Description = e.Data.Description, ProductVersion = e.Data.ProductVersion, StepsToReproduce = e.Data.StepsToReproduce, Impact = e.Data.Impact,
        Vendor = e.Data.Vendor, Product = e.Data.Product, Cwe = e.Data.Cwe, SubmittedAt = e.Data.SubmittedAt, SuggestedCvssVector = e.Data.SuggestedCvssVector,
        AcknowledgementDueAt = e.Data.SubmittedAt + schedule.Options.AcknowledgementWithin, Sla = schedule.Evolve(null, e.Data)!, LastMessageToReporterAt = e.Data.SubmittedAt,
        Version = e.Version, History = [new HistoryEntry(e.Data.At, "opened", null, null)],
    };

    public void Apply(IEvent<AcknowledgementGiven> e, CaseView v) =>
        Step(v, e, e.Data.At, "acknowledged", e.Data.By.Id, e.Data.Message, state: CaseStates.Acknowledged, toReporter: true, also: () => v.AcknowledgedAt = e.Data.At);

    public void Apply(IEvent<AnalystAssigned> e, CaseView v) =>
        Step(v, e, e.Data.At, "assigned", e.Data.By.Id, null, also: () => v.AssigneeId = e.Data.AnalystId);

    public void Apply(IEvent<QuestionAsked> e, CaseView v) =>
        Step(v, e, e.Data.At, "information-requested", e.Data.By.Id, e.Data.Question, state: CaseStates.NeedsInfo, toReporter: true);

    public void Apply(IEvent<ReporterReplied> e, CaseView v) =>
        Step(v, e, e.Data.At, "reporter-replied", null, null, state: v.State == CaseStates.NeedsInfo ? CaseStates.Acknowledged : null,
            also: () => { if (e.Data.Text is { } text) v.Thread.Add(new ThreadMessage(e.Data.At, "reporter", "message", text)); });

    public void Apply(IEvent<AssessmentMade> e, CaseView v) => Step(v, e, e.Data.At, "assessed", e.Data.By.Id, null, also: () =>
    {
        v.CvssVector = e.Data.CvssVector ?? v.CvssVector;
        v.CvssScore = e.Data.CvssScore ?? v.CvssScore;
        v.Severity = e.Data.Severity ?? v.Severity;
        v.Cwe = e.Data.Cwe ?? v.Cwe;
    });

    public void Apply(IEvent<ValidationConfirmed> e, CaseView v) =>
        Step(v, e, e.Data.At, "validated", e.Data.By.Id, e.Data.Explanation, state: CaseStates.Validated, toReporter: true);

    public void Apply(IEvent<RejectionDecided> e, CaseView v) =>
        Step(v, e, e.Data.At, "rejected", e.Data.By.Id, e.Data.Explanation, state: CaseStates.Rejected, toReporter: true, also: () =>
        {
            v.RejectionReason = e.Data.Reason;
            v.DuplicateOf = e.Data.DuplicateOf;
        });

    public void Apply(IEvent<ThirdPartyNamed> e, CaseView v) =>
        Step(v, e, e.Data.At, "third-party", e.Data.By.Id, null, also: () => v.ThirdParty = new ThirdPartyView(e.Data.Vendor, e.Data.Product));

    public void Apply(IEvent<RemediationPlanMade> e, CaseView v) =>
        Step(v, e, e.Data.At, "remediation-planned", e.Data.By.Id, e.Data.Plan, state: CaseStates.RemediationPlanned, toReporter: true,
            also: () => v.Remediation = new RemediationView(e.Data.Plan, e.Data.TargetFixDate, e.Data.ProposedDisclosureDate));

    public void Apply(IEvent<UpdateGiven> e, CaseView v) => Step(v, e, e.Data.At, "progress-update", e.Data.By.Id, e.Data.Text, toReporter: true);

    public void Apply(IEvent<FixConfirmed> e, CaseView v) =>
        Step(v, e, e.Data.At, "fixed", e.Data.By.Id, null, state: CaseStates.Fixed, toReporter: true, also: () => v.FixedVersion = e.Data.FixedVersion);

    public void Apply(IEvent<CaseEnded> e, CaseView v) =>
        Step(v, e, e.Data.At, "closed", e.Data.By.Id, null, state: CaseStates.Closed, also: () => v.ClosedReason = e.Data.Reason);

    public void Apply(IEvent<DuplicateLinked> e, CaseView v) =>
        Step(v, e, e.Data.At, "duplicate-linked", e.Data.By.Id, null, also: () => v.Duplicates.Add(e.Data.DuplicateTrackingNumber));

    public void Apply(IEvent<SlaWarned> e, CaseView v) => Step(v, e, e.Data.At, $"{e.Data.Clock}-deadline-near", null, null);

    public void Apply(IEvent<SlaMissed> e, CaseView v) => Step(v, e, e.Data.At, $"{e.Data.Clock}-deadline-missed", null, null);

    public void Apply(IEvent<ReporterRemindedOfQuestion> e, CaseView v) => Step(v, e, e.Data.At, "reporter-reminded", null, null, toReporter: true);

    public void Apply(IEvent<AttachmentNoted> e, CaseView v) => Step(v, e, e.Data.At, "attachment-added", null, null,
        also: () => v.Attachments.Add(new CaseAttachment(e.Data.AttachmentId, e.Data.FileName, e.Data.Size, e.Data.Sha256, e.Data.At)));

    private void Step(
        CaseView v, IEvent e, DateTimeOffset at, string name, string? by, string? text, string? state = null, bool toReporter = false, Action? also = null)
    {
        v.History.Add(new HistoryEntry(at, name, by, text));
        if (text is not null && toReporter) v.Thread.Add(new ThreadMessage(at, "staff", name, text));
        if (state is not null) v.State = state;
        if (toReporter) v.LastMessageToReporterAt = at;
        also?.Invoke();
        v.Sla = schedule.Evolve(v.Sla, e.Data) ?? v.Sla;
        v.Version = e.Version;
    }
}
