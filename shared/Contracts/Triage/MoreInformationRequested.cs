namespace VulnPlatform.Contracts.Triage;

/// <summary>Staff need more from the reporter to verify the report; <see cref="Question"/> is written to the reporter.</summary>
public sealed record MoreInformationRequested(
    Guid CaseId,
    Guid ReportId,
    string TrackingNumber,
    string Question,
    Actor RequestedBy,
    DateTimeOffset RequestedAt);
