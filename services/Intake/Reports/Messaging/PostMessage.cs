using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Messaging;

public sealed record PostMessageRequest(string? Text, IReadOnlyList<Guid>? AttachmentIds);

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
    public static Decision Decide(Report report, PostMessageRequest request, Guid messageId, Actor by, DateTimeOffset now)
    {
        if (report.RefuseIfWithdrawn() is { } withdrawn)
        {
            return withdrawn;
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
            new ReporterWrote(report.Id, report.TrackingNumber, messageId, request.Text!, attachmentIds, by, now),
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

    private static Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        PostMessageRequest request,
        IDocumentSession session,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var messageId = Guid.CreateVersion7(now);
        return ReporterAccess.ChangeAsync(session, trackingNumber, followUpToken, user,
            report => PostMessageDecider.Decide(report, request, messageId, ReporterAccess.ActorOf(user), now),
            (report, _) => Results.Created($"/api/reports/{report.TrackingNumber}", new PostMessageResponse(messageId, now)),
            cancellationToken);
    }
}
