using Microsoft.AspNetCore.Http;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Triage.Cases;

/// <summary>What staff (or the platform) ask of a case. Texts are validated at the edge.</summary>
public abstract record CaseCommand(string Name);

public sealed record Acknowledge(string Message) : CaseCommand("acknowledge");
public sealed record Assign(string AnalystId) : CaseCommand("assign");
public sealed record RequestInformation(string Question) : CaseCommand("request information");
/// <summary>A message of the reporter; one addressed to a vendor (through the relay) is not an answer to the team.</summary>
public sealed record RecordReply(Guid MessageId, string? Text = null, bool ToVendor = false) : CaseCommand("record the reporter's reply");
public sealed record Assess(string? CvssVector, decimal? CvssScore, string? Severity, string? Cwe) : CaseCommand("assess");
public sealed record Validate(string Explanation) : CaseCommand("validate");
public sealed record Reject(string Reason, string Explanation, string? DuplicateOf) : CaseCommand("reject");
public sealed record NameThirdParty(string Vendor, string Product) : CaseCommand("mark as concerning a third party");
public sealed record PlanRemediation(string Plan, DateOnly TargetFixDate, DateOnly ProposedDisclosureDate) : CaseCommand("plan remediation");
public sealed record PostUpdate(string Text) : CaseCommand("post a progress update");
public sealed record MarkFixed(string FixedVersion) : CaseCommand("mark fixed");
public sealed record Close() : CaseCommand("close");
public sealed record CloseAfterWithdrawal() : CaseCommand("close after withdrawal");
public sealed record CloseForNoResponse() : CaseCommand("close for no response");

public static class TriageProblems
{
    public const string IllegalTransition = ProblemTypes.Base + "illegal-transition";
}

/// <summary>
/// The case lifecycle as one pure function: new → acknowledged → (needs-info ⇄ acknowledged) →
/// validated | rejected → remediation-planned → fixed → closed. A command in a state that does not
/// allow it is a 409 naming the current state; what arrives from the bus (a reply, a withdrawal) on a
/// closed case changes nothing and is not an error.
/// </summary>
public static class TriageDecider
{
    private static readonly string[] InWork = [CaseStates.Acknowledged, CaseStates.NeedsInfo, CaseStates.Validated, CaseStates.RemediationPlanned];
    private static readonly string[] Open =
        [CaseStates.New, CaseStates.Acknowledged, CaseStates.NeedsInfo, CaseStates.Validated, CaseStates.Rejected, CaseStates.RemediationPlanned, CaseStates.Fixed];

    public static Decision Decide(TriageCase c, CaseCommand command, Actor by, DateTimeOffset now) => command switch
    {
        Acknowledge a => When(c, a, [CaseStates.New], () => new AcknowledgementGiven(c.Id, c.TrackingNumber, a.Message, by, now)),
        Assign a => When(c, a, Open, () => new AnalystAssigned(c.Id, a.AnalystId, by, now)),
        RequestInformation r => When(c, r, [CaseStates.Acknowledged, CaseStates.NeedsInfo], () => new QuestionAsked(c.Id, c.TrackingNumber, r.Question, by, now)),
        RecordReply r => c.IsOpen && !r.ToVendor ? new object[] { new ReporterReplied(c.Id, r.MessageId, now, r.Text) } : new object[0],
        Assess a => When(c, a, InWork, () => new AssessmentMade(c.Id, a.CvssVector, a.CvssScore, a.Severity, a.Cwe, by, now)),
        Validate v => When(c, v, [CaseStates.Acknowledged], () => new ValidationConfirmed(c.Id, c.TrackingNumber, v.Explanation, by, now)),
        Reject r => When(c, r, [CaseStates.New, CaseStates.Acknowledged, CaseStates.NeedsInfo],
            () => new RejectionDecided(c.Id, c.TrackingNumber, r.Reason, r.Explanation, r.Reason == RejectionReasons.Duplicate ? r.DuplicateOf : null, by, now)),
        NameThirdParty t => When(c, t, InWork, () => new ThirdPartyNamed(c.Id, t.Vendor, t.Product, by, now, c.TrackingNumber)),
        PlanRemediation p => When(c, p, [CaseStates.Validated, CaseStates.RemediationPlanned],
            () => new RemediationPlanMade(c.Id, c.TrackingNumber, p.Plan, p.TargetFixDate, p.ProposedDisclosureDate, by, now)),
        PostUpdate u => When(c, u, [.. InWork, CaseStates.Fixed], () => new UpdateGiven(c.Id, c.TrackingNumber, u.Text, by, now)),
        MarkFixed f => When(c, f, [CaseStates.Validated, CaseStates.RemediationPlanned], () => new FixConfirmed(c.Id, c.TrackingNumber, f.FixedVersion, by, now)),
        Close x => When(c, x, [CaseStates.Rejected, CaseStates.Fixed],
            () => new CaseEnded(c.Id, c.TrackingNumber, c.State == CaseStates.Fixed ? CloseReasons.Resolved : CloseReasons.Rejected, by, now)),
        CloseAfterWithdrawal => c.IsOpen ? new object[] { new CaseEnded(c.Id, c.TrackingNumber, CloseReasons.Withdrawn, by, now) } : new object[0],
        CloseForNoResponse x => When(c, x, [CaseStates.NeedsInfo], () => new CaseEnded(c.Id, c.TrackingNumber, CloseReasons.NoResponse, by, now)),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown command"),
    };

    private static Decision When(TriageCase c, CaseCommand command, string[] allowed, Func<object> @event) =>
        allowed.Contains(c.State)
            ? new object[] { @event() }
            : new Refusal(StatusCodes.Status409Conflict, TriageProblems.IllegalTransition, $"Not allowed while the case is {c.State}",
                $"Case {c.TrackingNumber} is {c.State}; to {command.Name} it must be {string.Join(" or ", allowed)}.");
}
