using System.Security.Claims;
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
        HttpRequest http,
        ClaimsPrincipal user,
        IDocumentSession session,
        TrackingNumbers trackingNumbers,
        ReportKeys keys,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reportId = Guid.CreateVersion7(now);
        var followUpToken = FollowUpTokens.Create();
        var language = request.Reporter?.Language ?? ReporterLanguages.FromAcceptLanguage(http);
        // Every report gets its own data key, even an anonymous one: attachments are sealed under it.
        session.Insert(keys.Create(reportId, now, out var dataKey));
        var command = new SubmitReport(
            reportId,
            await trackingNumbers.NextAsync(now.Year, cancellationToken),
            FollowUpTokens.Hash(followUpToken),
            request,
            request.Reporter is { } reporter
                ? ReporterContacts.Seal(reportId, dataKey, new ReporterContact(reporter.Name?.Trim(), reporter.Email!, language))
                : null,
            ReporterAccess.ActorOf(user),
            now);

        var events = SubmitReportDecider.Decide(command);
        session.Events.StartStream<Report>(reportId, events);
        await session.SaveChangesAsync(cancellationToken);

        var status = Report.From(events).Status;
        return Results.Created(
            $"/api/reports/{command.TrackingNumber}",
            new SubmitReportResponse(
                reportId, command.TrackingNumber, followUpToken, status, now, NextSteps.For(request.Kind!, language)));
    }
}
