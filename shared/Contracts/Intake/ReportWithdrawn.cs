namespace VulnPlatform.Contracts.Intake;

/// <summary>The reporter withdrew the report; nothing more will be accepted for it.</summary>
public sealed record ReportWithdrawn(
    Guid ReportId,
    string TrackingNumber,
    string Reason,
    Actor WithdrawnBy,
    DateTimeOffset WithdrawnAt);
