using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.Messaging;

/// <summary>
/// A message from the reporter: to the people handling the report, or — with <see cref="ToVendor"/>, the
/// id of an organisation the report was shared with — to that vendor through the coordinator.
/// </summary>
public sealed record PostMessageRequest(string? Text, IReadOnlyList<Guid>? AttachmentIds, Guid? ToVendor = null);

public sealed record PostMessageResponse(Guid MessageId, DateTimeOffset PostedAt);

public sealed class PostMessageValidator : AbstractValidator<PostMessageRequest>
{
    public const int MaxText = 10_000;
    public const int MaxAttachments = 10;

    public PostMessageValidator()
    {
        RuleFor(m => m.Text).NotEmpty().MaximumLength(MaxText).MultiLineText();
        RuleFor(m => m.AttachmentIds).Must(ids => ids is null || ids.Count <= MaxAttachments)
            .WithMessage($"A message refers to at most {MaxAttachments} attachments.")
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count)
            .WithMessage("'Attachment Ids' must not repeat an attachment.");
    }
}

public static class PostMessageDecider
{
    /// <summary>Which part of the reporter's identity the text contains (name of two letters or more, e-mail address), if any.</summary>
    public static string? Names(string text, ReporterContact? identity)
    {
        if (identity is null) return null;
        return IdentityMatcher.Finds(text, identity.Email, identity.Name) switch
        {
            IdentityMatcher.EmailAddress => "e-mail address",
            IdentityMatcher.Name => "name",
            _ => null,
        };
    }

    public static Decision Decide(Report report, PostMessageRequest request, Guid messageId, Actor by, DateTimeOffset now, ReporterContact? identity = null)
    {
        if (report.RefuseIfWithdrawn() is { } withdrawn)
        {
            return withdrawn;
        }

        if (request.ToVendor is { } vendor)
        {
            if (!report.SharedWith.Contains(vendor))
            {
                return new Refusal(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Not a vendor of this report",
                    "The report was not shared with this organisation; you can write to the organisations listed under sharedWithVendors.");
            }
            if (request.AttachmentIds is { Count: > 0 })
            {
                return new Refusal(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Files go to vendors through the coordinator",
                    "Send files to the security team (a message without toVendor); the coordinator decides what a vendor may receive.");
            }
            if (!report.Consent.ShareIdentityWithVendor && Names(request.Text!, identity) is { } what)
            {
                return new Refusal(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The message would reveal who you are",
                    $"This message goes to the vendor and contains your {what}, but you have not agreed to share your identity with vendors. "
                    + "Remove it, or change your consent first.");
            }
        }

        var attachmentIds = request.AttachmentIds ?? [];
        var unknown = attachmentIds.Where(id => !report.AttachmentIds.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            return new Refusal(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Unknown attachment",
                $"This report has no attachment {string.Join(", ", unknown)}; upload files first, then refer to their ids.");
        }

        return new object[]
        {
            new ReporterWrote(report.Id, report.TrackingNumber, messageId, request.Text!, attachmentIds, by, now, request.ToVendor),
        };
    }
}

public static class PostMessageEndpoint
{
    public static RouteHandlerBuilder MapPostMessage(this RouteGroupBuilder reports) =>
        reports.MapPost("/{trackingNumber}/messages", HandleAsync)
            .WithName("PostReporterMessage")
            .Produces<PostMessageResponse>(StatusCodes.Status201Created)
            .WithValidation<PostMessageRequest>();

    private static async Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        PostMessageRequest request,
        IDocumentSession session,
        ReportKeys keys,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var messageId = Guid.CreateVersion7(now);
        // A message to a vendor is checked against the reporter's own name and address (opened only for the check).
        ReporterContact? identity = null;
        if (request.ToVendor is not null && await ReporterAccess.FindAsync(session, trackingNumber, followUpToken, user, cancellationToken) is { Contact: { } sealedContact } view
            && (await keys.LoadAsync(session, view.Id, cancellationToken)).DataKey is { } dataKey)
        {
            identity = ReporterContacts.Open(view.Id, dataKey, sealedContact);
        }
        return await ReporterAccess.ChangeAsync(session, trackingNumber, followUpToken, user,
            report => PostMessageDecider.Decide(report, request, messageId, ReporterAccess.ActorOf(user), now, identity),
            (report, _) => Results.Created($"/api/reports/{report.TrackingNumber}", new PostMessageResponse(messageId, now)),
            cancellationToken);
    }
}
