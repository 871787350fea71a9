using Marten;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>One delivery as staff see it: the recipient's kind only (never an address or an id that names the reporter).</summary>
public sealed record DeliveryView(
    Guid Id, string Template, string Channel, string RecipientKind, string Status, int Attempts, DateTimeOffset QueuedAt, DateTimeOffset? SentAt,
    string? LastError, IReadOnlyList<DeliveryStep> History);

/// <summary><c>GET /api/notifications/reports/{trackingNumber}/deliveries</c>: what was sent about a report, for analysts and coordinators.</summary>
public static class DeliveryEndpoints
{
    private const int MaxPageSize = 200;

    public static void MapDeliveries(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/notifications/reports/{trackingNumber}/deliveries", async (
                string trackingNumber, IQuerySession session, int? page, int? pageSize, CancellationToken ct) =>
            {
                var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, MaxPageSize);
                if (invalid is not null) return invalid;
                if (trackingNumber.Length > 32) return Results.Ok(paging.Of(Array.Empty<DeliveryView>(), 0));
                var query = session.Query<Delivery>().Where(d => d.TrackingNumber == trackingNumber);
                var total = await query.CountAsync(ct);
                var items = await query.OrderBy(d => d.QueuedAt).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
                return Results.Ok(paging.Of(items.Select(d => new DeliveryView(
                    d.Id, d.Template, d.Channel, d.Recipient.Kind, d.Status, d.Attempts, d.QueuedAt, d.SentAt, d.LastError, d.History)).ToList(), total));
            })
            .WithTags("Deliveries").WithName("ReportDeliveries").RequireAuthorization(PlatformAccess.CaseStaff);
}
