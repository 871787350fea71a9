using System.Security.Claims;
using System.Text;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification.Webhooks;

public sealed record RegisterWebhookRequest(string? Url, IReadOnlyList<string>? EventTypes, string? Description);

public sealed record WebhookView(
    Guid Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Active, string? DisabledReason, int ConsecutiveFailures,
    DateTimeOffset CreatedAt);

/// <summary>The answer to a registration: the only time the signing secret is shown.</summary>
public sealed record RegisteredWebhook(WebhookView Subscription, string Secret);

/// <summary><c>/api/notifications/webhooks</c>: admins register, list, disable, enable and remove subscribers.</summary>
public static class WebhookEndpoints
{
    private const int MaxPageSize = 100;

    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/notifications/webhooks").WithTags("Webhooks").RequireAuthorization(PlatformAccess.Admins);
        hooks.MapGet("/event-types", () => Results.Ok(WebhookEventTypes.All)).WithName("WebhookEventTypes");
        hooks.MapGet("/", ListAsync).WithName("ListWebhooks");
        hooks.MapPost("/", RegisterAsync).WithName("RegisterWebhook").ProducesProblem(StatusCodes.Status400BadRequest);
        hooks.MapGet("/{id:guid}", async (Guid id, IQuerySession session, CancellationToken ct) =>
            await session.LoadAsync<WebhookSubscription>(id, ct) is { Removed: false } s ? Results.Ok(View(s)) : NoSuchWebhook()).WithName("GetWebhook");
        hooks.MapPost("/{id:guid}/disable", (Guid id, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(id, session, ct, s => s.Active ? new WebhookDisabled(id, "Disabled by an administrator.", Admin(user), time.GetUtcNow()) : null)).WithName("DisableWebhook");
        hooks.MapPost("/{id:guid}/enable", (Guid id, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(id, session, ct, s => s.Active ? null : new WebhookEnabled(id, Admin(user), time.GetUtcNow()))).WithName("EnableWebhook");
        hooks.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        {
            var result = await ChangeAsync(id, session, ct, _ => new WebhookRemoved(id, Admin(user), time.GetUtcNow()));
            return result is IStatusCodeHttpResult { StatusCode: 200 } ? Results.NoContent() : result;
        }).WithName("RemoveWebhook");
    }

    private static async Task<IResult> ListAsync(IQuerySession session, int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, MaxPageSize);
        if (invalid is not null) return invalid;
        var query = session.Query<WebhookSubscription>().Where(s => !s.Removed);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(s => s.CreatedAt).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
        return Results.Ok(paging.Of(items.Select(View).ToList(), total));
    }

    private static async Task<IResult> RegisterAsync(
        RegisterWebhookRequest request, ClaimsPrincipal user, IDocumentSession session, WebhookUrlGuard guard, SealedBox box, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var url = request.Url?.Trim() ?? "";
        if (guard.Problem(url) is { } urlProblem) errors["url"] = [urlProblem];
        else if (await guard.ResolveAsync(new Uri(url).DnsSafeHost, ct) is { Problem: { } resolved }) errors["url"] = [resolved];
        var types = request.EventTypes?.Distinct().ToList() ?? [];
        if (types.Count == 0) errors["eventTypes"] = [$"Choose at least one of: {string.Join(", ", WebhookEventTypes.All)}."];
        else if (types.FirstOrDefault(t => !WebhookEventTypes.All.Contains(t)) is { } unknown)
        {
            errors["eventTypes"] = [$"An unknown event type was named ({Math.Min(unknown.Length, 64)} characters); choose from: {string.Join(", ", WebhookEventTypes.All)}."];
        }
        var description = request.Description?.Trim();
        if (description is { Length: > 200 } || (description is not null && !TextRules.IsClean(description, allowLineBreaks: false)))
        {
            errors["description"] = ["The description is one line of at most 200 printable characters."];
        }
        if (errors.Count > 0) return Results.ValidationProblem(errors, type: ProblemTypes.Validation, title: "Invalid webhook");

        var id = Guid.CreateVersion7();
        var secret = WebhookSignature.NewSecret();
        var registered = new WebhookRegistered(id, url, types, box.Seal(Encoding.UTF8.GetBytes(secret), WebhookSender.SecretAssociatedData(id)),
            string.IsNullOrEmpty(description) ? null : description, Admin(user), time.GetUtcNow());
        session.Events.StartStream<WebhookSubscription>(id, registered);
        await session.SaveChangesAsync(ct);
        var view = View((await session.LoadAsync<WebhookSubscription>(id, ct))!);
        return Results.Created($"/api/notifications/webhooks/{id}", new RegisteredWebhook(view, secret));
    }

    private static async Task<IResult> ChangeAsync(Guid id, IDocumentSession session, CancellationToken ct, Func<WebhookSubscription, object?> change)
    {
        var stream = await session.Events.FetchForExclusiveWriting<WebhookSubscription>(id, ct);
        if (stream.Aggregate is not { Removed: false } subscription) return NoSuchWebhook();
        if (change(subscription) is { } e)
        {
            stream.AppendOne(e);
            await session.SaveChangesAsync(ct);
        }
        return Results.Ok(View((await session.LoadAsync<WebhookSubscription>(id, ct))!));
    }

    private static Actor Admin(ClaimsPrincipal user) => new(ActorKinds.Staff, user.AccountId());

    private static WebhookView View(WebhookSubscription s) =>
        new(s.Id, s.Url, s.EventTypes, s.Description, s.Active, s.DisabledReason, s.ConsecutiveFailures, s.CreatedAt);

    private static IResult NoSuchWebhook() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such webhook", detail: "No webhook subscription has this id.");
}
