using System.Security.Claims;
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
    string PersonalData,
    ConsentView Consent,
    WithdrawalView? Withdrawal,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<MessageView> Messages,
    IReadOnlyList<AttachmentView> Attachments,
    IReadOnlyList<string> NextSteps,
    IReadOnlyList<VendorShareView> SharedWithVendors,
    IReadOnlyList<DisclosedAdvisory> Advisories,
    ResultView? Result,
    PlanView? Plan,
    FixView? Fix,
    ClosedView? Closed,
    PublicationView? Publication);

/// <summary>What the status view says of the reporter's personal data.</summary>
public static class PersonalDataStates
{
    public const string None = "none";
    public const string Present = "present";
    public const string Erased = "erased";

    /// <summary>Kept, but sealed under a key this server does not have (a configuration fault).</summary>
    public const string Unavailable = "unavailable";
}

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
        ClaimsPrincipal user,
        HttpRequest http,
        IQuerySession session,
        ReportKeys keys,
        CancellationToken cancellationToken)
    {
        if (await ReporterAccess.FindAsync(session, trackingNumber, followUpToken, user, cancellationToken) is not { } view)
        {
            return ReporterAccess.NotFound();
        }

        var (contact, personalData) = await OpenContactAsync(view, session, keys, cancellationToken);
        return Results.Ok(new ReportStatusResponse(
            view.TrackingNumber,
            view.Kind,
            view.Title,
            view.Status,
            view.Desk,
            view.ReceivedAt,
            view.UpdatedAt,
            contact,
            personalData,
            view.Consent,
            view.Withdrawal,
            view.Timeline,
            view.Messages.OrderBy(m => m.At).ToList(),
            view.Attachments,
            NextSteps.For(view.Kind, contact?.Language ?? ReporterLanguages.FromAcceptLanguage(http)),
            view.SharedWithVendors,
            view.Advisories,
            view.Result,
            view.Plan,
            view.Fix,
            view.Closed,
            view.Publication));
    }

    private static async Task<(ReporterContact?, string)> OpenContactAsync(
        ReportStatusView view, IQuerySession session, ReportKeys keys, CancellationToken cancellationToken)
    {
        if (view.ErasedAt is not null) return (null, PersonalDataStates.Erased);
        if (view.Contact is not { } sealedContact) return (null, PersonalDataStates.None);

        var key = await keys.LoadAsync(session, view.Id, cancellationToken);
        return key.DataKey is { } dataKey
            ? (ReporterContacts.Open(view.Id, dataKey, sealedContact), PersonalDataStates.Present)
            : (null, key.IsErased ? PersonalDataStates.Erased : PersonalDataStates.Unavailable);
    }
}
