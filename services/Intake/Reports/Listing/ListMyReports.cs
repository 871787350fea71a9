using System.Security.Claims;
using Marten;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.Listing;

public sealed record MyReport(string TrackingNumber, string Kind, string Title, string Status, DateTimeOffset ReceivedAt, DateTimeOffset UpdatedAt);

/// <summary><c>GET /api/reports</c>: a signed-in reporter's own reports, newest first, a page at a time.</summary>
public static class ListMyReportsEndpoint
{
    private const int MaxPageSize = 100;

    public static RouteHandlerBuilder MapListMyReports(this RouteGroupBuilder reports) =>
        reports.MapGet("/", HandleAsync)
            .WithName("ListMyReports")
            .RequireAuthorization(PlatformAccess.SignedIn)
            .Produces<Paged<MyReport>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    private static async Task<IResult> HandleAsync(ClaimsPrincipal user, IQuerySession session, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 20, MaxPageSize);
        if (invalid is not null) return invalid;
        if (!Guid.TryParse(user.AccountId(), out var account))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, type: ProblemTypes.Unauthorized,
                title: "Unauthorized", detail: "Sign in to list your reports.");
        }

        var mine = session.Query<ReportStatusView>().Where(v => v.ReporterAccountId == account);
        var total = await mine.CountAsync(cancellationToken);
        var items = await mine.OrderByDescending(v => v.ReceivedAt).Skip(paging.Skip).Take(paging.Size)
            .Select(v => new MyReport(v.TrackingNumber, v.Kind, v.Title, v.Status, v.ReceivedAt, v.UpdatedAt))
            .ToListAsync(cancellationToken);
        return Results.Ok(paging.Of(items, total));
    }
}
