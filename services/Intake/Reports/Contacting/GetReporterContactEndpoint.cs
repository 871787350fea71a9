using Marten;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.Contacting;

/// <summary>
/// The one way another service learns how to reach a reporter: Notification asks at the moment it
/// sends, with its client-credentials token (audience <c>intake</c>, scope <c>intake.contact.read</c>).
/// The answer is never cached on the bus or logged.
/// </summary>
public static class GetReporterContactEndpoint
{
    public const string NotificationClient = "notification";
    public const string Scope = "intake.contact.read";
    public const string ContactReaders = "contact-readers";

    public static RouteHandlerBuilder MapGetReporterContact(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/reports/{reportId:guid}/contact", HandleAsync)
            .WithName("GetReporterContact")
            .RequireAuthorization(ContactReaders)
            .ExcludeFromDescription()
            .Produces<ReporterContact>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

    private static async Task<IResult> HandleAsync(
        Guid reportId, IQuerySession session, ReportKeys keys, HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        var view = await session.LoadAsync<ReportStatusView>(reportId, cancellationToken);
        return await ReporterContacts.AnswerAsync(session, keys, view, "The report is unknown or was submitted anonymously.", null, cancellationToken);
    }
}
