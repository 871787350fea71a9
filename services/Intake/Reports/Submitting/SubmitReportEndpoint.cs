using System.Security.Claims;
using Marten;
using JasperFx;
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
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithValidation<SubmitReportRequest>();

    /// <summary>
    /// Files a report. With an <c>Idempotency-Key</c> header (a random value new for each report) the
    /// same submission sent again within a day gets the first receipt back instead of a second report.
    /// </summary>
    private static async Task<IResult> HandleAsync(
        SubmitReportRequest request,
        HttpRequest http,
        ClaimsPrincipal user,
        IDocumentSession session,
        IDocumentStore store,
        TrackingNumbers trackingNumbers,
        ReportKeys keys,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var idempotencyKey = http.Headers[SubmissionReplays.Header].ToString();
        if (idempotencyKey.Length > 0)
        {
            if (!SubmissionReplays.IsValidKey(idempotencyKey)) return SubmissionReplays.InvalidKey();
            if (await SubmissionReplays.AnswerAsync(session, keys, idempotencyKey, request, now, http.HttpContext.Response, cancellationToken) is { } replayed)
            {
                return replayed;
            }
        }
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
        var receipt = new SubmitReportResponse(
            reportId, command.TrackingNumber, followUpToken, Report.From(events).Status, now, NextSteps.For(request.Kind!, language));
        if (idempotencyKey.Length > 0)
        {
            session.Insert(SubmissionReplays.Record(idempotencyKey, request, receipt, request.Kind!, language, dataKey));
        }
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (DocumentAlreadyExistsException) when (idempotencyKey.Length > 0)
        {
            // The same submission, sent twice at once: the other one filed it; answer with its receipt.
            await using var fresh = store.QuerySession();
            return await SubmissionReplays.AnswerAsync(fresh, keys, idempotencyKey, request, now, http.HttpContext.Response, cancellationToken)
                ?? throw new InvalidOperationException("A submission's replay record existed and then did not.");
        }

        return Results.Created($"/api/reports/{command.TrackingNumber}", receipt);
    }
}
