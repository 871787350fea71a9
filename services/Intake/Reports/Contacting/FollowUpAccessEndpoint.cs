using System.Security.Claims;
using Marten;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Contacting;

public sealed record FollowUpAccessRequest(string? TrackingNumber, string? FollowUpToken);

public sealed record FollowUpAccess(Guid ReportId);

/// <summary>
/// For Notification's anonymous inbox: does this tracking number go with this follow-up token? Only
/// the report id is answered (never anything of the reporter); a wrong pair and an unknown number get
/// the same 404. Notification's client-credentials token only, like the contact endpoint.
/// </summary>
public static class FollowUpAccessEndpoint
{
    public const string FollowUpCheckers = "follow-up-checkers";

    public static RouteHandlerBuilder MapFollowUpAccess(this IEndpointRouteBuilder app) =>
        app.MapPost("/internal/reports/follow-up-access", async (FollowUpAccessRequest request, IQuerySession session, HttpContext context, CancellationToken ct) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                if (request.TrackingNumber is not { Length: > 0 } number || request.FollowUpToken is not { Length: > 0 and <= 256 } token) return NoMatch();
                // No user principal: only the token can open the report here.
                var view = await ReporterAccess.FindAsync(session, number, token, new ClaimsPrincipal(), ct);
                return view is null ? NoMatch() : Results.Ok(new FollowUpAccess(view.Id));
            })
            .WithName("CheckFollowUpAccess")
            .RequireAuthorization(FollowUpCheckers)
            .ExcludeFromDescription();

    private static IResult NoMatch() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No match", detail: "No report matches this tracking number and follow-up token.");
}
