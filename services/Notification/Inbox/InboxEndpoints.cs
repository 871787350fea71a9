using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Notification.Recipients;
using VulnPlatform.Notification.Templates;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification.Inbox;

public sealed record InboxEntry(Guid Id, string Kind, string? TrackingNumber, string Subject, string Text, DateTimeOffset CreatedAt, bool Read);

public sealed record InboxPage(IReadOnlyList<InboxEntry> Items, int Page, int PageSize, int Total, int Unread);

/// <summary>
/// <c>/api/inbox</c>: a signed-in person's messages (their account's and their reports'), and an
/// anonymous reporter's (tracking number + follow-up token, checked by Intake). Rendered in the
/// reader's language (<c>Accept-Language</c>), newest first, with read/unread.
/// </summary>
public static class InboxEndpoints
{
    public const string FollowUpHeader = "X-Follow-Up-Token";
    private const int MaxPageSize = 100;

    public static void MapInbox(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/api/inbox").WithTags("Inbox");
        inbox.MapGet("/", MineAsync).RequireAuthorization(PlatformAccess.SignedIn).WithName("MyInbox");
        inbox.MapPost("/{id:guid}/read", MarkReadAsync).RequireAuthorization(PlatformAccess.SignedIn).WithName("MarkInboxMessageRead");
        inbox.MapGet("/reports/{trackingNumber}", ReportAsync).AllowAnonymous().WithName("ReportInbox")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> MineAsync(ClaimsPrincipal user, HttpContext http, IQuerySession session, MessageTemplates templates, int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 25, MaxPageSize);
        if (invalid is not null) return invalid;
        var account = Guid.Parse(user.AccountId()!);
        var reports = await session.Query<ReportRecipient>().Where(r => r.AccountId == account).Select(r => r.Id).ToListAsync(ct);
        var query = session.Query<InboxMessage>().Where(m => m.AccountId == account || (m.ReportId != null && reports.Contains(m.ReportId.Value)));
        return await PageAsync(query, paging, http, templates, ct);
    }

    private static async Task<IResult> MarkReadAsync(Guid id, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var account = Guid.Parse(user.AccountId()!);
        var message = await session.LoadAsync<InboxMessage>(id, ct);
        var mine = message is not null && (message.AccountId == account
            || message.ReportId is { } reportId && await session.Query<ReportRecipient>().AnyAsync(r => r.Id == reportId && r.AccountId == account, ct));
        if (!mine) return NotFound(); // someone else's message is as absent as a missing one
        if (message!.ReadAt is null)
        {
            message.ReadAt = time.GetUtcNow();
            session.Store(message);
            await session.SaveChangesAsync(ct);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> ReportAsync(
        string trackingNumber, [FromHeader(Name = FollowUpHeader)] string? followUpToken, HttpContext http, IQuerySession session,
        MessageTemplates templates, ReporterAccessCheck access, int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 25, MaxPageSize);
        if (invalid is not null) return invalid;
        if (string.IsNullOrEmpty(followUpToken) || trackingNumber.Length > 32 || followUpToken.Length > 256) return NotFound();
        if (await access.ReportIdAsync(trackingNumber, followUpToken, ct) is not { } reportId) return NotFound();
        return await PageAsync(session.Query<InboxMessage>().Where(m => m.ReportId == reportId), paging, http, templates, ct);
    }

    private static async Task<IResult> PageAsync(IQueryable<InboxMessage> query, Paging paging, HttpContext http, MessageTemplates templates, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        var language = MessageTemplates.Language(http.Request.Headers.AcceptLanguage.ToString());
        var total = await query.CountAsync(ct);
        var unread = await query.CountAsync(m => m.ReadAt == null, ct);
        var items = await query.OrderByDescending(m => m.CreatedAt).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
        var entries = items.Select(m =>
        {
            var rendered = templates.Render(m.Template, language, m.Values);
            return new InboxEntry(m.Id, m.Template, m.TrackingNumber, rendered.Subject, rendered.Text, m.CreatedAt, m.ReadAt is not null);
        }).ToList();
        return Results.Ok(new InboxPage(entries, paging.Number, paging.Size, total, unread));
    }

    private static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such inbox", detail: "No report matches this tracking number and follow-up token.");
}

/// <summary>Asks Intake whether a tracking number and follow-up token go together (the token never leaves Intake's check).</summary>
public sealed class ReporterAccessCheck(ContactDirectory intake)
{
    public async Task<Guid?> ReportIdAsync(string trackingNumber, string followUpToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(intake.IntakeAddress, "internal/reports/follow-up-access"))
        {
            Content = JsonContent.Create(new { trackingNumber, followUpToken }),
        };
        using var response = await intake.SendAsync(request, ContactDirectory.IntakeScope, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AccessAnswer>(cancellationToken))!.ReportId;
    }

    private sealed record AccessAnswer(Guid ReportId);
}
