using VulnPlatform.Contracts;

namespace VulnPlatform.Triage.Cases;

// A triage case's stream. Contract types (VulnPlatform.Contracts.Triage) have other names.

/// <summary>A vulnerability report arrived (from Intake's ReportSubmitted): the case exists, its clocks start.</summary>
public sealed record CaseStarted(
    Guid CaseId, Guid ReportId, string TrackingNumber, string Title, string? Vendor, string? Product, string? Cwe, DateTimeOffset SubmittedAt, DateTimeOffset At,
    string? Description = null, string? ProductVersion = null, string? StepsToReproduce = null, string? Impact = null, string? SuggestedCvssVector = null);

/// <summary>The human acknowledgement, with the personal message written to the reporter.</summary>
public sealed record AcknowledgementGiven(Guid CaseId, string TrackingNumber, string Message, Actor By, DateTimeOffset At);

public sealed record AnalystAssigned(Guid CaseId, string AnalystId, Actor By, DateTimeOffset At);

public sealed record QuestionAsked(Guid CaseId, string TrackingNumber, string Question, Actor By, DateTimeOffset At);

/// <summary>The reporter wrote (Intake's ReporterMessagePosted); an answer to a question puts the case back in work.</summary>
public sealed record ReporterReplied(Guid CaseId, Guid MessageId, DateTimeOffset At, string? Text = null);

/// <summary>The reporter added a file to the report (its content stays in Intake; staff download it there, audited).</summary>
public sealed record AttachmentNoted(Guid CaseId, Guid AttachmentId, string FileName, long Size, string Sha256, DateTimeOffset At);

public sealed record AssessmentMade(Guid CaseId, string? CvssVector, decimal? CvssScore, string? Severity, string? Cwe, Actor By, DateTimeOffset At);

public sealed record ValidationConfirmed(Guid CaseId, string TrackingNumber, string Explanation, Actor By, DateTimeOffset At);

public sealed record RejectionDecided(Guid CaseId, string TrackingNumber, string Reason, string Explanation, string? DuplicateOf, Actor By, DateTimeOffset At);

public sealed record ThirdPartyNamed(Guid CaseId, string Vendor, string Product, Actor By, DateTimeOffset At, string? TrackingNumber = null);

public sealed record RemediationPlanMade(Guid CaseId, string TrackingNumber, string Plan, DateOnly TargetFixDate, DateOnly ProposedDisclosureDate, Actor By, DateTimeOffset At);

public sealed record UpdateGiven(Guid CaseId, string TrackingNumber, string Text, Actor By, DateTimeOffset At);

public sealed record FixConfirmed(Guid CaseId, string TrackingNumber, string FixedVersion, Actor By, DateTimeOffset At);

/// <summary>The case ended; <see cref="Reason"/> is one of <see cref="CloseReasons"/>.</summary>
public sealed record CaseEnded(Guid CaseId, string TrackingNumber, string Reason, Actor By, DateTimeOffset At);

public static class CaseEventTypes
{
    public static readonly Type[] All =
    [
        typeof(CaseStarted), typeof(AcknowledgementGiven), typeof(AnalystAssigned), typeof(QuestionAsked), typeof(ReporterReplied),
        typeof(AssessmentMade), typeof(ValidationConfirmed), typeof(RejectionDecided), typeof(ThirdPartyNamed),
        typeof(RemediationPlanMade), typeof(UpdateGiven), typeof(FixConfirmed), typeof(CaseEnded),
        typeof(SlaWarned), typeof(SlaMissed), typeof(ReporterRemindedOfQuestion), typeof(DuplicateLinked), typeof(AttachmentNoted),
    ];
}

public static class CaseStates
{
    public const string New = "new";
    public const string Acknowledged = "acknowledged";
    public const string NeedsInfo = "needs-info";
    public const string Validated = "validated";
    public const string Rejected = "rejected";
    public const string RemediationPlanned = "remediation-planned";
    public const string Fixed = "fixed";
    public const string Closed = "closed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([New, Acknowledged, NeedsInfo, Validated, Rejected, RemediationPlanned, Fixed, Closed]);
}

public static class RejectionReasons
{
    public const string NotReproducible = "not-reproducible";
    public const string OutOfScope = "out-of-scope";
    public const string Informative = "informative";
    public const string Duplicate = "duplicate";
    public const string Spam = "spam";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { NotReproducible, OutOfScope, Informative, Duplicate, Spam };
}

public static class CloseReasons
{
    public const string Resolved = "resolved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string NoResponse = "no-response";
}

/// <summary>A deadline comes near: <see cref="Clock"/> is <c>acknowledgement</c> or <c>update</c>.</summary>
public sealed record SlaWarned(Guid CaseId, string TrackingNumber, string Clock, DateTimeOffset DueAt, DateTimeOffset At, string? AssigneeId = null);

public sealed record SlaMissed(Guid CaseId, string TrackingNumber, string Clock, DateTimeOffset DueAt, DateTimeOffset At, string? AssigneeId = null);

/// <summary>The case has waited on the reporter for a long silence: they are reminded of the question.</summary>
public sealed record ReporterRemindedOfQuestion(Guid CaseId, string TrackingNumber, DateTimeOffset AskedAt, DateTimeOffset At);

/// <summary>Another report was rejected as a duplicate of this case: both cases name each other.</summary>
public sealed record DuplicateLinked(Guid CaseId, string DuplicateTrackingNumber, Actor By, DateTimeOffset At);

public static class SlaClocks
{
    public const string Acknowledgement = "acknowledgement";
    public const string Update = "update";
}
