using System.Security.Claims;
using FluentValidation;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.Intake.Reports.Attaching;
using VulnPlatform.Intake.Reports.Contacting;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.StaffAccess;

public sealed record RevealRequest(string? Reason);

public sealed class RevealRequestValidator : AbstractValidator<RevealRequest>
{
    public RevealRequestValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000).MultiLineText();
}

/// <summary>
/// <c>/api/staff/reports</c>, for analysts and coordinators: a report's attachments (each download
/// recorded first: who, when, which file) and, only on an explicit request with a reason, the
/// reporter's contact details (recorded the same way). Everything else about a report reaches staff
/// through Triage, without the reporter's identity.
/// </summary>
public static class StaffReportAccess
{

    public static void MapStaffReportAccess(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/staff/reports").WithTags("Staff").RequireAuthorization(PlatformAccess.CaseStaff);
        reports.MapGet("/{trackingNumber}/attachments/{attachmentId:guid}", DownloadAsync).WithName("StaffDownloadAttachment")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapPost("/{trackingNumber}/reveal", RevealAsync).WithName("RevealReporter").WithValidation<RevealRequest>()
            .Produces<ReporterContact>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
    }

    private static async Task<IResult> DownloadAsync(
        string trackingNumber, Guid attachmentId, ClaimsPrincipal user, HttpContext context, IDocumentSession session, AttachmentVault vault,
        ReportKeys keys, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await ReporterAccess.ByTrackingNumberAsync(session, trackingNumber, cancellationToken) is not { } view
            || view.Attachments.FirstOrDefault(a => a.Id == attachmentId) is not { } attachment)
        {
            return NotFound();
        }
        await AccessRecords.RecordAsync(session, view.Id, new AttachmentAccessed(view.Id, attachment.Id, Staff(user), time.GetUtcNow()), cancellationToken);
        return await DownloadAttachmentEndpoint.ServeAsync(view, attachment, context, session, vault, keys, loggers, cancellationToken);
    }

    private static async Task<IResult> RevealAsync(
        string trackingNumber, RevealRequest request, ClaimsPrincipal user, HttpContext context, IDocumentSession session, ReportKeys keys,
        TimeProvider time, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (await ReporterAccess.ByTrackingNumberAsync(session, trackingNumber, cancellationToken) is not { } view) return NotFound();
        return await ReporterContacts.AnswerAsync(session, keys, view, "The reporter left no contact details.", async () =>
        {
            await AccessRecords.RecordAsync(session, view.Id, new ReporterIdentityRevealed(view.Id, request.Reason!.Trim(), Staff(user), time.GetUtcNow()), cancellationToken);
        }, cancellationToken);
    }

    private static Actor Staff(ClaimsPrincipal user) => new(ActorKinds.Staff, user.FindFirstValue("sub"));

    private static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "Not found", detail: "No report or attachment matches.");
}
