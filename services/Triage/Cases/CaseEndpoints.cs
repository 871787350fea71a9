using System.Security.Claims;
using JasperFx;
using Marten;
using Marten.Linq;
using Npgsql;
using Microsoft.Net.Http.Headers;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.Triage.Scoring;

namespace VulnPlatform.Triage.Cases;

/// <summary>
/// <c>/api/triage/cases</c>: the queue, a case, and the staff commands. Analysts and coordinators
/// only; the actor of every command is the token's subject; every command names the version it was
/// decided on (<c>If-Match</c>, the case's ETag): a stale one is a 412 and changes nothing.
/// </summary>
public static class CaseEndpoints
{
    private const int MaxPageSize = 200;

    public static void MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/triage/cases").WithTags("Cases").RequireAuthorization(PlatformAccess.CaseStaff);
        cases.MapGet("/", QueueAsync).WithName("CaseQueue");
        TriageMetrics.MapMetrics(cases);
        cases.MapGet("/{trackingNumber}", GetAsync).WithName("GetCase");
        cases.MapGet("/{trackingNumber}/similar", SimilarAsync).WithName("SimilarCases");
        Command<AcknowledgeRequest>(cases, "acknowledge", r => new Acknowledge(r.Message!.Trim()));
        Command<AssignRequest>(cases, "assign", r => new Assign(r.AnalystId!));
        Command<RequestInformationRequest>(cases, "request-information", r => new RequestInformation(r.Question!.Trim()));
        Command<AssessRequest>(cases, "assess", r =>
        {
            var score = r.CvssVector is null ? null : CvssScoring.Score(r.CvssVector).Score;
            return new Assess(r.CvssVector, score?.BaseScore, score?.Severity, r.Cwe);
        });
        Command<ValidateRequest>(cases, "validate", r => new Validate(r.Explanation!.Trim()));
        Command<RejectRequest>(cases, "reject", r => new Reject(r.Reason!, r.Explanation!.Trim(), r.DuplicateOf));
        Command<ThirdPartyRequest>(cases, "third-party", r => new NameThirdParty(r.Vendor!.Trim(), r.Product!.Trim()));
        Command<PlanRemediationRequest>(cases, "plan", r => new PlanRemediation(r.Plan!.Trim(), r.TargetFixDate!.Value, r.ProposedDisclosureDate!.Value));
        Command<ProgressUpdateRequest>(cases, "updates", r => new PostUpdate(r.Text!.Trim()));
        Command<MarkFixedRequest>(cases, "fixed", r => new MarkFixed(r.FixedVersion!.Trim()));
        cases.MapPost("/{trackingNumber}/close", (string trackingNumber, HttpContext http, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(trackingNumber, http, user, session, time, new Close(), ct)).WithName("CloseCase");
    }

    private static void Command<TRequest>(RouteGroupBuilder cases, string action, Func<TRequest, CaseCommand> command) =>
        cases.MapPost($"/{{trackingNumber}}/{action}", (string trackingNumber, TRequest request, HttpContext http, ClaimsPrincipal user,
                IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(trackingNumber, http, user, session, time, command(request), ct))
            .WithValidation<TRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    private static async Task<IResult> DecideAsync(
        string trackingNumber, HttpContext http, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CaseCommand command, CancellationToken ct)
    {
        var metrics = http.RequestServices.GetRequiredService<TriageMetrics>();
        if (!TryReadIfMatch(http.Request, out var expected))
        {
            return Results.Problem(statusCode: StatusCodes.Status428PreconditionRequired, type: ProblemTypes.Validation, title: "If-Match needed",
                detail: "Send the case's ETag as If-Match, so a change decided on an old version is refused instead of overwriting a newer one.");
        }
        if (await FindAsync(session, trackingNumber, ct) is not { } view) return NoSuchCase();

        var stream = await session.Events.FetchForWriting<TriageCase>(view.Id, ct);
        if (stream.CurrentVersion != expected) return Stale(trackingNumber, stream.CurrentVersion ?? 0);
        var actor = new Actor(ActorKinds.Staff, user.AccountId());
        var decision = TriageDecider.Decide(stream.Aggregate!, command, actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal) return refusal.ToProblem();
        stream.AppendMany(decision.Events);
        if (command is Reject { DuplicateOf: { } original })
        {
            // Both cases name each other: the original learns of its duplicate in the same transaction.
            if (await FindAsync(session, original, ct) is not { } originalView || originalView.Id == view.Id)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation, title: "No such original",
                    detail: $"There is no other case with the tracking number {original}.");
            }
            session.Events.Append(originalView.Id, new DuplicateLinked(originalView.Id, trackingNumber, actor, time.GetUtcNow()));
        }
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            return Stale(trackingNumber, null);
        }
        var after = (await session.LoadAsync<CaseView>(view.Id, ct))!;
        metrics.Record(after, decision.Events);
        http.Response.Headers.ETag = ETag(after.Version);
        return Results.Ok(after);
    }

    private static async Task<IResult> GetAsync(string trackingNumber, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        if (await FindAsync(session, trackingNumber, ct) is not { } view) return NoSuchCase();
        // Files that arrived before their case was open are in the case all the same.
        var files = await session.Query<CaseFile>().Where(f => f.ReportId == view.ReportId).ToListAsync(ct);
        if (files.Any(f => view.Attachments.All(a => a.Id != f.Id)))
        {
            // A file is stored with the event that notes it (one transaction): one committed between the
            // two reads is in the case read again, so the ETag covers every file shown.
            view = await FindAsync(session, trackingNumber, ct) ?? view;
        }
        view.Attachments = [.. view.Attachments, .. files.Where(f => view.Attachments.All(a => a.Id != f.Id))
            .Select(f => new CaseAttachment(f.Id, f.FileName, f.Size, f.Sha256, f.AddedAt))];
        http.Response.Headers.ETag = ETag(view.Version);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Ok(view);
    }

    /// <summary>
    /// Likely duplicates of a case, for the analyst: other cases about the same product or with a
    /// similar title (PostgreSQL trigram similarity), the most similar first.
    /// </summary>
    private static async Task<IResult> SimilarAsync(string trackingNumber, IQuerySession session, CancellationToken ct)
    {
        if (await FindAsync(session, trackingNumber, ct) is not { } view) return NoSuchCase();
        const string order = " order by similarity(data ->> 'title', ?) desc limit 10";
        var similar = view.Product is { } product
            ? await session.QueryAsync<CaseView>(
                "where id <> ? and (lower(coalesce(data ->> 'product', '')) = lower(?) or similarity(data ->> 'title', ?) > 0.3)" + order,
                ct, view.Id, product, view.Title, view.Title)
            : await session.QueryAsync<CaseView>("where id <> ? and similarity(data ->> 'title', ?) > 0.3" + order, ct, view.Id, view.Title, view.Title);
        return Results.Ok(similar.Select(v => new SimilarCase(v.TrackingNumber, v.Title, v.Vendor, v.Product, v.State)).ToList());
    }

    /// <summary>
    /// Open cases by default (or one state), the nearest deadline first (<c>sort=-deadline</c>: latest
    /// first); <c>overdue=true</c> keeps the cases past a deadline, <c>dueBefore</c> those due before an
    /// instant, <c>assignee</c> one analyst's (<c>me</c> for the caller's).
    /// </summary>
    private static async Task<IResult> QueueAsync(
        IQuerySession session, TimeProvider time, ClaimsPrincipal user, string? state, bool? overdue, DateTimeOffset? dueBefore, string? assignee,
        string? sort, int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, MaxPageSize);
        if (invalid is not null) return invalid;
        if (state is not null && !CaseStates.All.Contains(state)) return BadFilter("state", $"state is one of {string.Join(", ", CaseStates.All)}.");
        if (sort is not (null or "deadline" or "-deadline")) return BadFilter("sort", "sort is deadline (nearest first) or -deadline.");
        if (assignee is { Length: > 64 }) return BadFilter("assignee", "assignee is an account id or me.");
        var filter = new QueueFilter(state, overdue == true, dueBefore, assignee == "me" ? user.AccountId() : assignee, Descending: sort == "-deadline");
        var (items, total) = await CaseQueue.PageAsync(session, filter, paging, time.GetUtcNow(), ct);
        return Results.Ok(paging.Of(items, total));
    }

    private static IResult BadFilter(string name, string detail) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [name] = [detail] }, type: ProblemTypes.Validation, title: "Invalid filter");

    private static Task<CaseView?> FindAsync(IQuerySession session, string trackingNumber, CancellationToken ct) =>
        trackingNumber.Length > 32 ? Task.FromResult<CaseView?>(null)
            : session.Query<CaseView>().FirstOrDefaultAsync(v => v.TrackingNumber == trackingNumber, ct);

    private static bool TryReadIfMatch(HttpRequest request, out long version)
    {
        version = 0;
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Length > 2 && value[0] == '"' && value[^1] == '"' && long.TryParse(value[1..^1], out version);
    }

    private static string ETag(long version) => $"\"{version}\"";

    private static IResult Stale(string trackingNumber, long? current) => Results.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed, type: ProblemTypes.Conflict, title: "The case changed",
        detail: $"Case {trackingNumber} changed since you read it{(current is { } v ? $" (it is now at version {v})" : "")}; read it again and decide anew.");

    private static IResult NoSuchCase() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such case", detail: "No triage case has this tracking number.");
}

/// <summary>What the queue shows: open cases (or one state), optionally only overdue ones, due before an instant, or one assignee's.</summary>
public sealed record QueueFilter(string? State = null, bool OverdueOnly = false, DateTimeOffset? DueBefore = null, string? Assignee = null, bool Descending = false);

/// <summary>The queue's query, shared by the endpoint and the benchmark that measures it.</summary>
public static class CaseQueue
{
    public static async Task<(IReadOnlyList<QueueEntry> Items, int Total)> PageAsync(
        IQuerySession session, QueueFilter filter, Paging paging, DateTimeOffset now, CancellationToken ct)
    {
        var query = Filtered(session, filter, now);
        var total = await query.CountAsync(ct);
        var items = (await Ordered(query, filter).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct))
            .Select(v => new QueueEntry(v.TrackingNumber, v.Title, v.State, v.Severity, v.CvssScore, v.AssigneeId, v.AcknowledgementDueAt,
                v.Sla.Deadline, v.Sla.DeadlineAt, v.Sla.DeadlineAt < now))
            .ToList();
        return (items, total);
    }

    /// <summary>The page's SQL (for the benchmark's query plan).</summary>
    public static NpgsqlCommand PageCommand(IQuerySession session, QueueFilter filter, Paging paging, DateTimeOffset now) =>
        Ordered(Filtered(session, filter, now), filter).Skip(paging.Skip).Take(paging.Size).ToCommand(FetchType.FetchMany);

    private static IQueryable<CaseView> Filtered(IQuerySession session, QueueFilter filter, DateTimeOffset now)
    {
        var query = filter.State is null ? session.Query<CaseView>().Where(v => v.State != CaseStates.Closed) : session.Query<CaseView>().Where(v => v.State == filter.State);
        if (filter.OverdueOnly) query = query.Where(v => v.Sla.DeadlineAt < now);
        if (filter.DueBefore is { } before) query = query.Where(v => v.Sla.DeadlineAt < before);
        if (filter.Assignee is { } assignee) query = query.Where(v => v.AssigneeId == assignee);
        return query;
    }

    private static IQueryable<CaseView> Ordered(IQueryable<CaseView> query, QueueFilter filter) =>
        filter.Descending ? query.OrderByDescending(v => v.Sla.DeadlineAt) : query.OrderBy(v => v.Sla.DeadlineAt);
}

public sealed record SimilarCase(string TrackingNumber, string Title, string? Vendor, string? Product, string State);

/// <summary>
/// One line of the queue. <see cref="NextDeadline"/> is the nearest running deadline
/// (<c>acknowledgement</c> or <c>update</c>; none while the case waits on the reporter or once it is closed)
/// and <see cref="Overdue"/> says it has passed.
/// </summary>
public sealed record QueueEntry(
    string TrackingNumber, string Title, string State, string? Severity, decimal? CvssScore, string? AssigneeId,
    DateTimeOffset AcknowledgementDueAt, string? NextDeadline, DateTimeOffset? NextDeadlineAt, bool Overdue);
