using Marten.Events.Aggregation;

namespace VulnPlatform.Intake.Reports.Following;

/// <summary>The reporter's view of a report, kept inline with Intake's events.</summary>
public sealed class ReportStatusView
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public string Status { get; set; } = "";
    public string Language { get; set; } = ReporterLanguages.English;
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string FollowUpTokenHash { get; set; } = "";
    public List<TimelineEntry> Timeline { get; set; } = [];
}

public sealed record TimelineEntry(DateTimeOffset At, string Event, string Description);

public sealed class ReportStatusProjection : SingleStreamProjection<ReportStatusView, Guid>
{
    public static ReportStatusView Create(ReportSubmitted submitted) => new()
    {
        Id = submitted.ReportId,
        TrackingNumber = submitted.TrackingNumber,
        Kind = submitted.Kind,
        Title = submitted.Title,
        Status = ReportStatuses.Received,
        Language = submitted.Language,
        ReceivedAt = submitted.SubmittedAt,
        UpdatedAt = submitted.SubmittedAt,
        FollowUpTokenHash = submitted.FollowUpTokenHash,
        Timeline =
        [
            new TimelineEntry(submitted.SubmittedAt, ReportStatuses.Received,
                $"Report received and given tracking number {submitted.TrackingNumber}."),
        ],
    };
}
