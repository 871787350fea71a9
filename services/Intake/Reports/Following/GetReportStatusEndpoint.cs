using Marten;
using Microsoft.AspNetCore.Mvc;

namespace VulnPlatform.Intake.Reports.Following;

public sealed record ReportStatusResponse(
    string TrackingNumber,
    string Kind,
    string Title,
    string Status,
    string? Desk,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt,
    ReporterContact? Contact,
    ConsentView Consent,
    WithdrawalView? Withdrawal,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<MessageView> Messages,
    IReadOnlyList<AttachmentView> Attachments,
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
        HttpRequest http,
        IQuerySession session,
        ReporterContacts contacts,
        CancellationToken cancellationToken)
    {
        if (await ReporterAccess.FindAsync(session, trackingNumber, followUpToken, cancellationToken) is not { } view)
        {
            return ReporterAccess.NotFound();
        }

        var contact = view.Contact is { } sealedContact ? contacts.Open(view.Id, sealedContact) : null;
        return Results.Ok(new ReportStatusResponse(
            view.TrackingNumber,
            view.Kind,
            view.Title,
            view.Status,
            view.Desk,
            view.ReceivedAt,
            view.UpdatedAt,
            contact,
            view.Consent,
            view.Withdrawal,
            view.Timeline,
            view.Messages.OrderBy(m => m.At).ToList(),
            view.Attachments,
            NextSteps.For(view.Kind, contact?.Language ?? ReporterLanguages.FromAcceptLanguage(http))));
    }
}
