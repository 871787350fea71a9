using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Attaching;

public static class DownloadAttachmentEndpoint
{
    public static RouteHandlerBuilder MapDownloadAttachment(this RouteGroupBuilder reports) =>
        reports.MapGet("/{trackingNumber}/attachments/{attachmentId:guid}", HandleAsync)
            .WithName("DownloadAttachment")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

    private static async Task<IResult> HandleAsync(
        string trackingNumber,
        Guid attachmentId,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        HttpContext context,
        IQuerySession session,
        AttachmentVault vault,
        ReportKeys keys,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (await ReporterAccess.FindAsync(session, trackingNumber, followUpToken, user, cancellationToken) is not { } view
            || view.Attachments.FirstOrDefault(a => a.Id == attachmentId) is not { } attachment)
        {
            return ReporterAccess.NotFound();
        }

        return await ServeAsync(view, attachment, context, session, vault, keys, loggers, cancellationToken);
    }

    /// <summary>Checks and streams an attachment, always as a download: for the reporter and, audited, for staff.</summary>
    public static async Task<IResult> ServeAsync(
        ReportStatusView view, AttachmentView attachment, HttpContext context, IQuerySession session, AttachmentVault vault, ReportKeys keys,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (view.ErasedAt is not null)
        {
            return IntakeProblems.ErasedData();
        }
        var key = await keys.LoadAsync(session, view.Id, cancellationToken);
        if (key.DataKey is not { } reportKey)
        {
            return key.IsErased ? IntakeProblems.ErasedData() : IntakeProblems.KeyMissing();
        }

        try
        {
            await vault.VerifyAsync(reportKey, attachment.Id, attachment.Sha256, cancellationToken);
        }
        catch (AttachmentIntegrityException e)
        {
            loggers.CreateLogger(typeof(DownloadAttachmentEndpoint)).LogError(e,
                "Attachment {AttachmentId} of report {ReportId} failed its integrity check; refusing to serve it", attachment.Id, view.Id);
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, type: ProblemTypes.IntegrityFailure,
                title: "Attachment failed its integrity check",
                detail: "The stored file does not match what was uploaded, so it is not served. The security team has been alerted.");
        }

        // Always a download, never rendered: the bytes are a reporter's PoC, possibly hostile.
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        context.Response.ContentLength = attachment.Size;
        return Results.Stream(
            body => vault.CopyToAsync(reportKey, attachment.Id, body, cancellationToken),
            contentType: "application/octet-stream",
            fileDownloadName: attachment.FileName);
    }
}
