namespace VulnPlatform.Intake.Reports;

/// <summary>The write model of a report: only what the deciders need to check invariants.</summary>
public sealed record Report(Guid Id, string TrackingNumber, string Kind, string Status)
{
    public static Report Create(ReportSubmitted submitted) =>
        new(submitted.ReportId, submitted.TrackingNumber, submitted.Kind, ReportStatuses.Received);
}

public static class ReportStatuses
{
    public const string Received = "received";
}
