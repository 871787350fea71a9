using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Submitting;

public sealed record SubmitReportResponse(
    Guid ReportId,
    string TrackingNumber,
    string FollowUpToken,
    string Status,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<string> NextSteps);

public static class SubmitReportEndpoint
{
    public static RouteHandlerBuilder MapSubmitReport(this RouteGroupBuilder reports) =>
        reports.MapPost("/", HandleAsync)
            .WithName("SubmitReport")
            .Accepts<SubmitReportRequest>("application/json")
            .Produces<SubmitReportResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithValidation<SubmitReportRequest>();

    private static async Task<IResult> HandleAsync(
        SubmitReportRequest request,
        IDocumentSession session,
        TrackingNumbers trackingNumbers,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var followUpToken = FollowUpTokens.Create();
        var command = new SubmitReport(
            Guid.CreateVersion7(now),
            await trackingNumbers.NextAsync(now.Year, cancellationToken),
            FollowUpTokens.Hash(followUpToken),
            request,
            Actor.AnonymousReporter,
            now);

        var events = SubmitReportDecider.Decide(existing: null, command);
        session.Events.StartStream<Report>(command.ReportId, events);
        await session.SaveChangesAsync(cancellationToken);

        var submitted = (ReportSubmitted)events[0];
        return Results.Created(
            $"/api/reports/{command.TrackingNumber}",
            new SubmitReportResponse(
                command.ReportId,
                command.TrackingNumber,
                followUpToken,
                ReportStatuses.Received,
                now,
                NextSteps.For(submitted.Kind, submitted.Language)));
    }
}
