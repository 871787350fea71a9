using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Contracts;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.Attaching;

/// <summary>
/// A file the coordinator shared with a vendor, fetched by VendorCoordination for the vendor's account
/// that asked (client <c>coordination</c>, scope <c>intake.attachments.read</c>; VendorCoordination
/// checks the sharing, Intake records who received the file before serving it).
/// </summary>
public static class VendorAttachmentEndpoint
{
    public const string CoordinationClient = "coordination";
    public const string Scope = "intake.attachments.read";
    public const string AttachmentReaders = "attachment-readers";
    /// <summary>The vendor account the file is fetched for (recorded with the access).</summary>
    public const string ForHeader = "X-Accessed-For";

    public static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(AttachmentReaders, policy => policy
            .RequireClaim("aud", IntakeModule.ServiceName).RequireClaim("client_id", CoordinationClient)
            .RequireAssertion(context => context.User.HasScope(Scope)));

    public static RouteHandlerBuilder MapVendorAttachment(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/reports/{reportId:guid}/attachments/{attachmentId:guid}", HandleAsync)
            .WithName("AttachmentForVendor")
            .RequireAuthorization(AttachmentReaders)
            .ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(
        Guid reportId, Guid attachmentId, [FromHeader(Name = ForHeader)] string? accessedFor, HttpContext context, IDocumentSession session,
        AttachmentVault vault, ReportKeys keys, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<Following.ReportStatusView>(reportId, cancellationToken) is not { } view
            || view.Attachments.FirstOrDefault(a => a.Id == attachmentId) is not { } attachment)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "Not found", detail: "No report or attachment matches.");
        }
        var vendor = accessedFor is { Length: > 0 and <= 100 } && TextRules.IsClean(accessedFor, allowLineBreaks: false) ? accessedFor : null;
        await AccessRecords.RecordAsync(session, view.Id, new AttachmentAccessed(view.Id, attachment.Id, new Actor(ActorKinds.Vendor, vendor), time.GetUtcNow()), cancellationToken);
        return await DownloadAttachmentEndpoint.ServeAsync(view, attachment, context, session, vault, keys, loggers, cancellationToken);
    }
}
