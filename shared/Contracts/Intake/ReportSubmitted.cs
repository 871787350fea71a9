namespace VulnPlatform.Contracts.Intake;

/// <summary>
/// A submission reached the platform and was given a tracking number. Only submissions of kind
/// <see cref="ReportKinds.Vulnerability"/> are for triage; fraud and general questions are routed to
/// a desk (<see cref="SubmissionRouted"/>). The reporter's contact details stay in Intake;
/// <see cref="Anonymous"/> tells whether there is anyone to write to. <see cref="SuggestedCvssVector"/> is
/// the reporter's own scoring, if they gave one: a suggestion for the analyst, not the case's score.
/// </summary>
public sealed record ReportSubmitted(
    Guid ReportId,
    string TrackingNumber,
    string Kind,
    string Title,
    string Description,
    AffectedProduct? Product,
    bool ThirdParty,
    string? StepsToReproduce,
    string? Impact,
    string? Cwe,
    bool Anonymous,
    Actor SubmittedBy,
    DateTimeOffset SubmittedAt,
    string? SuggestedCvssVector = null);
