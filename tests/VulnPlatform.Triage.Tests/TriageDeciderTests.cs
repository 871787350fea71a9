using VulnPlatform.Contracts;
using VulnPlatform.Triage.Cases;

namespace VulnPlatform.Triage.Tests;

/// <summary>The case lifecycle as given events / when command / then events or refusal.</summary>
[Trait("Servers", "none")]
public sealed class TriageDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Actor Analyst = new(ActorKinds.Staff, "analyst-1");

    private static TriageCase Given(params object[] events) => events.Aggregate(
        TriageCase.Create(new CaseStarted(Id, Guid.NewGuid(), "VR-2026-000042", "SQLi", "Acme", "Shop", "CWE-89", Now.AddHours(-2), Now.AddHours(-2))),
        (c, e) => e switch
        {
            AcknowledgementGiven x => c.Apply(x), AnalystAssigned x => c.Apply(x), QuestionAsked x => c.Apply(x),
            ReporterReplied x => c.Apply(x), AssessmentMade x => c.Apply(x), ValidationConfirmed x => c.Apply(x),
            RejectionDecided x => c.Apply(x), ThirdPartyNamed x => c.Apply(x), RemediationPlanMade x => c.Apply(x),
            UpdateGiven x => c.Apply(x), FixConfirmed x => c.Apply(x), CaseEnded x => c.Apply(x),
            _ => throw new ArgumentException(e.GetType().Name),
        });

    private static readonly object Acknowledged = new AcknowledgementGiven(Id, "VR-2026-000042", "Thank you, we are on it.", Analyst, Now);
    private static readonly object Asked = new QuestionAsked(Id, "VR-2026-000042", "Which version?", Analyst, Now);
    private static readonly object Validated = new ValidationConfirmed(Id, "VR-2026-000042", "Reproduced.", Analyst, Now);
    private static readonly object Rejected = new RejectionDecided(Id, "VR-2026-000042", RejectionReasons.Spam, "Advertising.", null, Analyst, Now);
    private static readonly object Planned = new RemediationPlanMade(Id, "VR-2026-000042", "Patch in 4.3", new DateOnly(2026, 12, 10), new DateOnly(2027, 1, 10), Analyst, Now);
    private static readonly object Fixed = new FixConfirmed(Id, "VR-2026-000042", "4.3.0", Analyst, Now);
    private static readonly object Closed = new CaseEnded(Id, "VR-2026-000042", CloseReasons.Resolved, Analyst, Now);

    private static T Then<T>(TriageCase c, CaseCommand command)
    {
        var decision = TriageDecider.Decide(c, command, Analyst, Now);
        Assert.Null(decision.Refusal);
        return Assert.IsType<T>(Assert.Single(decision.Events));
    }

    private static void Refused(TriageCase c, CaseCommand command)
    {
        var decision = TriageDecider.Decide(c, command, Analyst, Now);
        Assert.Empty(decision.Events);
        Assert.Equal(409, decision.Refusal!.Status);
        Assert.Equal(TriageProblems.IllegalTransition, decision.Refusal.Type);
        Assert.Contains($"is {c.State}", decision.Refusal.Detail); // names the current state
    }

    [Fact]
    public void The_whole_way_from_new_to_closed()
    {
        var c = Given();
        Assert.Equal(CaseStates.New, c.State);
        var ack = Then<AcknowledgementGiven>(c, new Acknowledge("Thank you, we are on it."));
        Assert.Equal(Analyst, ack.By);
        c = Given(ack);
        Assert.Equal(CaseStates.Acknowledged, c.State);
        c = Given(ack, Then<QuestionAsked>(c, new RequestInformation("Which version?")));
        Assert.Equal(CaseStates.NeedsInfo, c.State);
        c = Given(ack, Asked, Then<ReporterReplied>(c, new RecordReply(Guid.NewGuid())));
        Assert.Equal(CaseStates.Acknowledged, c.State);
        Then<AssessmentMade>(c, new Assess("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8m, "Critical", "CWE-89"));
        c = Given(ack, Then<ValidationConfirmed>(c, new Validate("Reproduced on 4.2.1.")));
        Assert.Equal(CaseStates.Validated, c.State);
        c = Given(ack, Validated, Then<RemediationPlanMade>(c, new PlanRemediation("Patch", new DateOnly(2026, 12, 10), new DateOnly(2027, 1, 10))));
        Assert.Equal(CaseStates.RemediationPlanned, c.State);
        Then<UpdateGiven>(c, new PostUpdate("The patch is in review."));
        c = Given(ack, Validated, Planned, Then<FixConfirmed>(c, new MarkFixed("4.3.0")));
        Assert.Equal(CaseStates.Fixed, c.State);
        var closed = Then<CaseEnded>(c, new Close());
        Assert.Equal(CloseReasons.Resolved, closed.Reason);
        Assert.Equal(CaseStates.Closed, Given(ack, Validated, Planned, Fixed, closed).State);
    }

    [Fact]
    public void A_rejected_case_closes_as_rejected_and_a_duplicate_names_the_original()
    {
        var c = Given(Acknowledged);
        var rejected = Then<RejectionDecided>(c, new Reject(RejectionReasons.Duplicate, "Reported before.", "VR-2026-000007"));
        Assert.Equal("VR-2026-000007", rejected.DuplicateOf);
        c = Given(Acknowledged, rejected);
        Assert.Equal(CaseStates.Rejected, c.State);
        Assert.Equal(CloseReasons.Rejected, Then<CaseEnded>(c, new Close()).Reason);
        // Spam can be rejected before anyone acknowledged it.
        Then<RejectionDecided>(Given(), new Reject(RejectionReasons.Spam, "Advertising.", null));
    }

    public static TheoryData<string, CaseCommand> IllegalCommands => new()
    {
        { "new", new RequestInformation("?") }, { "new", new Validate("x") }, { "new", new MarkFixed("1") }, { "new", new Close() },
        { "new", new PostUpdate("x") }, { "new", new Assess(null, null, null, "CWE-79") },
        { "acknowledged", new Acknowledge("again") }, { "acknowledged", new MarkFixed("1") }, { "acknowledged", new Close() },
        { "acknowledged", new PlanRemediation("p", new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 1)) },
        { "needs-info", new Validate("x") }, { "needs-info", new Acknowledge("x") },
        { "validated", new Reject(RejectionReasons.Spam, "x", null) }, { "validated", new Acknowledge("x") }, { "validated", new Close() },
        { "rejected", new Validate("x") }, { "rejected", new PostUpdate("x") }, { "rejected", new Assess(null, null, null, "CWE-79") },
        { "fixed", new Reject(RejectionReasons.Spam, "x", null) }, { "fixed", new MarkFixed("2") },
        { "closed", new Acknowledge("x") }, { "closed", new Assign("a") }, { "closed", new PostUpdate("x") }, { "closed", new Close() },
        { "acknowledged", new CloseForNoResponse() },
    };

    [Theory]
    [MemberData(nameof(IllegalCommands))]
    public void Commands_a_state_does_not_allow_are_refused_naming_the_state(string state, CaseCommand command)
    {
        var c = state switch
        {
            "new" => Given(),
            "acknowledged" => Given(Acknowledged),
            "needs-info" => Given(Acknowledged, Asked),
            "validated" => Given(Acknowledged, Validated),
            "rejected" => Given(Acknowledged, Rejected),
            "fixed" => Given(Acknowledged, Validated, Planned, Fixed),
            "closed" => Given(Acknowledged, Validated, Planned, Fixed, Closed),
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
        Assert.Equal(state, c.State);
        Refused(c, command);
    }

    [Fact]
    public void A_withdrawal_closes_any_open_case_and_bus_events_on_a_closed_case_change_nothing()
    {
        foreach (var c in new[] { Given(), Given(Acknowledged, Asked), Given(Acknowledged, Validated, Planned) })
        {
            Assert.Equal(CloseReasons.Withdrawn, Then<CaseEnded>(c, new CloseAfterWithdrawal()).Reason);
        }
        var closed = Given(Acknowledged, Validated, Planned, Fixed, Closed);
        Assert.Empty(TriageDecider.Decide(closed, new CloseAfterWithdrawal(), Actor.System, Now).Events);
        Assert.Empty(TriageDecider.Decide(closed, new RecordReply(Guid.NewGuid()), Actor.System, Now).Events);
        Assert.Null(TriageDecider.Decide(closed, new RecordReply(Guid.NewGuid()), Actor.System, Now).Refusal);
    }

    [Fact]
    public void Only_a_message_to_the_team_answers_a_question_one_to_a_vendor_leaves_it_open()
    {
        var waiting = Given(Acknowledged, Asked);
        Assert.Empty(TriageDecider.Decide(waiting, new RecordReply(Guid.NewGuid(), "To the vendor: which build?", ToVendor: true), Actor.System, Now).Events);
        Assert.Null(TriageDecider.Decide(waiting, new RecordReply(Guid.NewGuid(), "To the vendor", ToVendor: true), Actor.System, Now).Refusal);
        Assert.Equal(CaseStates.NeedsInfo, waiting.State);
        var answer = Then<ReporterReplied>(waiting, new RecordReply(Guid.NewGuid(), "Version 4.2.1."));
        Assert.Equal(CaseStates.Acknowledged, waiting.Apply(answer).State);
    }

    [Fact]
    public void A_case_waiting_on_the_reporter_closes_for_no_response_and_a_reply_elsewhere_keeps_the_state()
    {
        Assert.Equal(CloseReasons.NoResponse, Then<CaseEnded>(Given(Acknowledged, Asked), new CloseForNoResponse()).Reason);
        var validated = Given(Acknowledged, Validated);
        var reply = Then<ReporterReplied>(validated, new RecordReply(Guid.NewGuid()));
        Assert.Equal(CaseStates.Validated, validated.Apply(reply).State);
    }

    [Fact]
    public void Every_message_to_the_reporter_restarts_the_update_clock_and_only_the_acknowledgement_stops_the_first()
    {
        var c = Given();
        Assert.Null(c.AcknowledgedAt);
        Assert.Equal(Now.AddHours(-2), c.LastMessageToReporterAt);
        var later = Now.AddDays(3);
        var acknowledged = Given(new AcknowledgementGiven(Id, "VR-2026-000042", "Thanks", Analyst, later));
        Assert.Equal(later, acknowledged.AcknowledgedAt);
        Assert.Equal(later, acknowledged.LastMessageToReporterAt);
        var assigned = acknowledged.Apply(new AnalystAssigned(Id, "a-2", Analyst, later.AddDays(1)));
        Assert.Equal(later, assigned.LastMessageToReporterAt); // an assignment says nothing to the reporter
        Assert.Equal(later.AddDays(2), assigned.Apply(new UpdateGiven(Id, "VR-2026-000042", "Still on it.", Analyst, later.AddDays(2))).LastMessageToReporterAt);
    }
}
