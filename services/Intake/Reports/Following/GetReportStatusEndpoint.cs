using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Following;

public sealed record ReportStatusResponse(
    string TrackingNumber,
    string Kind,
    string Title,
    string Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<string> NextSteps);

public static class GetReportStatusEndpoint
{
    public static RouteHandlerBuilder MapGetReportStatus(this RouteGroupBuilder reports) =>
        reports.MapGet("/{trackingNumber}", HandleAsync)
            .WithName("GetReportStatus")
            .Produces<ReportStatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        IQuerySession session,
        CancellationToken cancellationToken)
    {
        var view = trackingNumber.Length <= 32
            ? await session.Query<ReportStatusView>()
                .FirstOrDefaultAsync(v => v.TrackingNumber == trackingNumber, cancellationToken)
            : null;

        // Unknown number and wrong token get the same answer: the number's existence is not revealed.
        if (!FollowUpTokens.Matches(followUpToken, view?.FollowUpTokenHash ?? string.Empty) || view is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Report not found",
                detail: "No report matches this tracking number and follow-up token.",
                type: ProblemTypes.NotFound);
        }

        return Results.Ok(new ReportStatusResponse(
            view.TrackingNumber,
            view.Kind,
            view.Title,
            view.Status,
            view.ReceivedAt,
            view.UpdatedAt,
            view.Timeline,
            NextSteps.For(view.Kind, view.Language)));
    }
}
