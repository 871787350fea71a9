namespace VulnPlatform.Contracts.Intake;

/// <summary>A submission that is not a vulnerability report went to a desk (<see cref="Desks"/>); no triage case follows.</summary>
public sealed record SubmissionRouted(
    Guid ReportId,
    string TrackingNumber,
    string Kind,
    string Desk,
    DateTimeOffset RoutedAt);
