using VulnPlatform.Contracts;

namespace VulnPlatform.Intake.Reports;

// Intake's own events: the source of truth of a report. Integration events for other services are
// mapped from these in IntakeIntegrationEvents; what is not mapped never leaves Intake.

public sealed record ProductDetails(string Vendor, string Name, string? Version);

public sealed record ReportSubmitted(
    Guid ReportId,
    string TrackingNumber,
    string Kind,
    string Title,
    string Description,
    ProductDetails? Product,
    bool ThirdParty,
    string? StepsToReproduce,
    string? Impact,
    string? Cwe,
    bool Anonymous,
    string Language,
    string FollowUpTokenHash,
    Actor SubmittedBy,
    DateTimeOffset SubmittedAt);

/// <summary>Personal data, kept apart from the report so that it can be protected (and erased) on its own.</summary>
public sealed record ReporterContactGiven(
    Guid ReportId,
    string? Name,
    string Email,
    string Language,
    DateTimeOffset GivenAt);
