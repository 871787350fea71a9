using System.Security.Claims;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports;

/// <summary>
/// The reporter's way in: tracking number plus follow-up token, or the token of the account that
/// submitted the report. An unknown number, a wrong token and someone else's report get the same
/// answer, so the existence of a number is never revealed.
/// </summary>
public static class ReporterAccess
{
    private const int MaxTrackingNumberLength = 32;

    public static async Task<ReportStatusView?> FindAsync(
        IQuerySession session, string trackingNumber, string? followUpToken, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var view = await ByTrackingNumberAsync(session, trackingNumber, cancellationToken);
        if (view is not null && view.ReporterAccountId is { } owner && user.AccountId() == owner.ToString()) return view;
        return FollowUpTokens.Matches(followUpToken, view?.FollowUpTokenHash ?? string.Empty) ? view : null;
    }

    /// <summary>A report's view by its tracking number, whoever asks (callers check their own access).</summary>
    public static async Task<ReportStatusView?> ByTrackingNumberAsync(IQuerySession session, string trackingNumber, CancellationToken cancellationToken) =>
        trackingNumber.Length <= MaxTrackingNumberLength
            ? await session.Query<ReportStatusView>().FirstOrDefaultAsync(v => v.TrackingNumber == trackingNumber, cancellationToken)
            : null;

    /// <summary>The reporter as the events name them: their account when signed in, else anonymous.</summary>
    public static Actor ActorOf(ClaimsPrincipal user) =>
        user.AccountId() is { } id ? new Actor(ActorKinds.Reporter, id) : Actor.AnonymousReporter;

    /// <summary>
    /// The shape of every reporter change: find the report by number and token, lock its stream,
    /// decide against its current state and append what was decided. Concurrent changes to one
    /// report take turns, each deciding on what the one before left: none is overwritten, and none
    /// fails at commit (a failed append would leave a sequence gap that delays the relay).
    /// </summary>
    public static async Task<IResult> ChangeAsync(
        IDocumentSession session,
        string trackingNumber,
        string? followUpToken,
        ClaimsPrincipal user,
        Func<Report, Decision> decide,
        Func<Report, Decision, IResult> answer,
        CancellationToken cancellationToken,
        Action<Report, Decision>? alsoInTransaction = null)
    {
        if (await FindAsync(session, trackingNumber, followUpToken, user, cancellationToken) is not { } view)
        {
            return NotFound();
        }

        var stream = await session.Events.FetchForExclusiveWriting<Report>(view.Id, cancellationToken);
        var decision = decide(stream.Aggregate!);
        if (decision.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        stream.AppendMany(decision.Events);
        alsoInTransaction?.Invoke(stream.Aggregate!, decision);
        await session.SaveChangesAsync(cancellationToken);
        return answer(stream.Aggregate!, decision);
    }

    public static IResult NotFound() => Results.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Report not found",
        detail: "No report matches this tracking number and follow-up token.",
        type: ProblemTypes.NotFound);
}
