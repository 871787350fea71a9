namespace VulnPlatform.Contracts.Intake;

/// <summary>
/// A report reached the platform and was given a tracking number. Carries what triage needs to open
/// a case; the reporter's contact details stay in Intake (<see cref="ReporterLanguage"/> is kept so
/// that notifications can be written in it, and <see cref="Anonymous"/> tells whether there is
/// anyone to write to at all).
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
    string ReporterLanguage,
    Actor SubmittedBy,
    DateTimeOffset SubmittedAt);
