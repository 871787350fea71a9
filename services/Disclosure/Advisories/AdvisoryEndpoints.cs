using System.Security.Claims;
using FluentValidation;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Disclosure.Facts;
using VulnPlatform.Disclosure.Publication;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Disclosure.Advisories;

/// <summary>
/// A publication instant (a local date and time in a zone, with the offset where the clocks make it
/// ambiguous). <see cref="OverrideReason"/> confirms an instant the coordination has not agreed to (see
/// <see cref="ScheduleDecider"/>): without it such an instant is refused with the concerns listed.
/// </summary>
public sealed record ScheduleRequest(string? Date, string? Time, string? TimeZone, string? Offset, string? OverrideReason = null);

public sealed class ScheduleValidator : AbstractValidator<ScheduleRequest>
{
    public ScheduleValidator()
    {
        RuleFor(r => r.Date).NotEmpty().MaximumLength(10);
        RuleFor(r => r.Time).NotEmpty().MaximumLength(8);
        RuleFor(r => r.TimeZone).NotEmpty().MaximumLength(64).SingleLineText();
        RuleFor(r => r.Offset).MaximumLength(6);
        RuleFor(r => r.OverrideReason).MaximumLength(2000).MultiLineText();
    }
}

/// <summary>A case's advisory set for coordinators; <see cref="HeldReason"/> says why the publication watch last held it back (until it is scheduled again).</summary>
public sealed record SetView(Guid Id, string TrackingNumber, PublicationTime? Time, bool Published, DateTimeOffset? PublishedAt, IReadOnlyList<Advisory> Advisories,
    string? HeldReason = null, DateTimeOffset? HeldAt = null, DateTimeOffset? AgreedDisclosureAt = null, IReadOnlyList<ScheduleOverride>? Overrides = null);

/// <summary>
/// <c>/api/advisories</c>, for coordinators: drafts assembled from the case, revisions (each with what
/// changed; after publication every change is a public revision), and the publication instant of the
/// case's advisories — set, moved or cancelled until it passes.
/// </summary>
public static class AdvisoryEndpoints
{

    public static void MapAdvisories(this IEndpointRouteBuilder app)
    {
        var advisories = app.MapGroup("/api/advisories").WithTags("Advisories");
        advisories.MapGet("/", async (IQuerySession session, string? trackingNumber, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, maxSize: 200);
            if (invalid is not null) return invalid;
            var query = session.Query<Advisory>().AsQueryable();
            if (trackingNumber is { Length: > 0 and <= 32 }) query = query.Where(a => a.TrackingNumber == trackingNumber);
            var total = await query.CountAsync(ct);
            var items = await query.OrderByDescending(a => a.UpdatedAt).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
            return Results.Ok(paging.Of(items, total));
        }).RequireAuthorization(PlatformAccess.CaseStaff).WithName("ListAdvisories");
        advisories.MapPost("/", DraftAsync).RequireAuthorization(PlatformAccess.Coordinators).WithValidation<DraftRequest>().WithName("DraftAdvisory");
        advisories.MapGet("/{publicId}", async (string publicId, IQuerySession session, HttpContext http, CancellationToken ct) =>
        {
            if (await FindAsync(session, publicId, ct) is not { } advisory) return NoSuchAdvisory();
            http.Response.Headers.ETag = $"\"{advisory.Version}\"";
            return Results.Ok(advisory);
        }).RequireAuthorization(PlatformAccess.CaseStaff).WithName("GetAdvisory");
        advisories.MapPut("/{publicId}", ReviseAsync).RequireAuthorization(PlatformAccess.Coordinators).WithValidation<ReviseRequest>().WithName("ReviseAdvisory");
        advisories.MapGet("/{publicId}/preview/csaf", async (string publicId, IQuerySession session, PublicRecords records, TimeProvider time, CancellationToken ct) =>
        {
            if (await FindAsync(session, publicId, ct) is not { } advisory) return NoSuchAdvisory();
            var set = await session.LoadAsync<DisclosureSet>(advisory.SetId, ct);
            var now = time.GetUtcNow();
            var facts = await session.LoadAsync<CaseFacts>(advisory.SetId, ct);
            var preview = records.Build(advisory, set?.Time ?? new PublicationTime(now, "UTC", ""), facts?.AllowedCredit, now);
            return Results.Text(preview.Csaf, "application/json");
        }).RequireAuthorization(PlatformAccess.CaseStaff).WithName("PreviewAdvisoryCsaf");
        advisories.MapGet("/{publicId}/preview/html", async (string publicId, string? lang, IQuerySession session, PublicRecords records, TimeProvider time,
            HttpContext http, CancellationToken ct) =>
        {
            if (await FindAsync(session, publicId, ct) is not { } advisory) return NoSuchAdvisory();
            var set = await session.LoadAsync<DisclosureSet>(advisory.SetId, ct);
            var now = time.GetUtcNow();
            var facts = await session.LoadAsync<CaseFacts>(advisory.SetId, ct);
            var preview = records.Build(advisory, set?.Time ?? new PublicationTime(now, "UTC", ""), facts?.AllowedCredit, now);
            http.Response.Headers.ContentSecurityPolicy = Public.PublicPages.ContentSecurityPolicy.Replace("{style}", Public.PublicPages.StyleHash, StringComparison.Ordinal);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Content(Public.PublicPages.Advisory(preview, lang == "zh-CN" ? "zh-CN" : "en"), "text/html; charset=utf-8");
        }).RequireAuthorization(PlatformAccess.CaseStaff).WithName("PreviewAdvisoryPage");

        var sets = app.MapGroup("/api/advisories/sets").WithTags("Publication");
        sets.MapGet("/{trackingNumber}", async (string trackingNumber, IQuerySession session, CancellationToken ct) =>
            await SetAsync(session, trackingNumber, ct) is { } view ? Results.Ok(view) : NoSuchSet()).RequireAuthorization(PlatformAccess.CaseStaff).WithName("GetAdvisorySet");
        sets.MapPut("/{trackingNumber}/schedule", ScheduleAsync).RequireAuthorization(PlatformAccess.Coordinators).WithValidation<ScheduleRequest>().WithName("ScheduleAdvisories");
        sets.MapDelete("/{trackingNumber}/schedule", CancelAsync).RequireAuthorization(PlatformAccess.Coordinators).WithName("CancelAdvisorySchedule");
    }

    private static async Task<IResult> DraftAsync(
        DraftRequest request, ClaimsPrincipal user, IDocumentSession session, AdvisoryIds ids, PublicRecords records, TimeProvider time, IdentityGuard guard,
        CancellationToken ct)
    {
        var number = request.TrackingNumber!.Trim();
        if (await session.Query<CaseFacts>().FirstOrDefaultAsync(f => f.TrackingNumber == number, ct) is not { Title.Length: > 0 } facts)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation, title: "No such report",
                detail: "No vulnerability report with this tracking number has reached Disclosure.");
        }
        if (request.OrganisationId is { } organisation && facts.Vendors.All(v => v.OrganisationId != organisation))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation, title: "Not a vendor of this case",
                detail: "A vendor's advisory is drafted for an organisation notified on the case.");
        }
        var now = time.GetUtcNow();
        var set = await session.LoadAsync<DisclosureSet>(facts.Id, ct);
        if (set?.IsPublicAt(now) == true)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Conflict, title: "Published already",
                detail: "This case's advisories are public; revise them instead of adding one.");
        }
        var id = Guid.CreateVersion7(now);
        var content = Drafts.From(facts, request.OrganisationId);
        // Drafted into a scheduled set, it would go public at the instant: the reporter's own words it starts from are checked now.
        if (set?.Time is not null && await GuardAsync(session, guard, facts.TrackingNumber, (id, content), ct, setId: facts.Id) is { } exposed) return exposed;
        var publicId = await ids.NextAsync(now.Year, ct);
        session.Events.StartStream<Advisory>(id, new AdvisoryDrafted(id, publicId, facts.Id, facts.TrackingNumber, request.OrganisationId,
            content, Coordinator(user), now, Drafts.ReporterWords(content, facts)));
        await session.SaveChangesAsync(ct);
        var advisory = (await session.LoadAsync<Advisory>(id, ct))!;
        await records.RefreshLockedAsync(session, facts.Id, now, ct);
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/advisories/{publicId}", advisory);
    }

    private static async Task<IResult> ReviseAsync(
        string publicId, ReviseRequest request, HttpContext http, ClaimsPrincipal user, IDocumentSession session, PublicRecords records, TimeProvider time,
        IdentityGuard guard, CancellationToken ct)
    {
        if (await FindAsync(session, publicId, ct) is not { } found) return NoSuchAdvisory();
        var stream = await session.Events.FetchForExclusiveWriting<Advisory>(found.Id, ct);
        var advisory = stream.Aggregate!;
        var expected = http.Request.Headers.IfMatch.ToString().Trim('"', ' ', 'W', '/');
        if (expected.Length > 0 && expected != advisory.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, type: ProblemTypes.Conflict, title: "Changed by someone else",
                detail: "The advisory changed since you read it; reload it and apply your change again.");
        }
        var now = time.GetUtcNow();
        var content = request.ToContent();
        var set = await session.LoadAsync<DisclosureSet>(advisory.SetId, ct);
        var isPublic = set?.IsPublicAt(now) == true;
        var summary = request.ChangeSummary?.Trim();
        if (isPublic && string.IsNullOrEmpty(summary))
        {
            return Invalid("changeSummary", "The advisory is public: say what this revision changes (it is listed in the revision history).");
        }
        var facts = await session.LoadAsync<CaseFacts>(advisory.SetId, ct);
        if (content.Credit is { } credit && credit != facts?.AllowedCredit)
        {
            return Invalid("credit", "The credit is the name the reporter chose for public credit, and only while they consent to it.");
        }
        // Scheduled or public: every text, the change summary (listed in the public revision history) included.
        if (set?.Time is not null && await GuardAsync(session, guard, advisory.TrackingNumber, (advisory.Id, content), ct, more: summary) is { } exposed) return exposed;
        foreach (var cve in content.CveIds)
        {
            if (await session.Query<Advisory>().AnyAsync(a => a.Id != advisory.Id && a.Content.CveIds.Contains(cve), ct))
            {
                return Invalid("cveIds", $"{cve} is already used by another advisory.");
            }
        }
        stream.AppendOne(new AdvisoryRevised(advisory.Id, content, summary is { Length: > 0 } ? summary : "Edited.", Coordinator(user), now,
            advisory.PublicId, advisory.SetId, isPublic, Reviewed: true));
        await session.SaveChangesAsync(ct);
        var revised = (await session.LoadAsync<Advisory>(advisory.Id, ct))!;
        await records.RefreshLockedAsync(session, advisory.SetId, now, ct);
        await session.SaveChangesAsync(ct);
        http.Response.Headers.ETag = $"\"{revised.Version}\"";
        return Results.Ok(revised);
    }

    private static async Task<IResult> ScheduleAsync(
        string trackingNumber, ScheduleRequest request, ClaimsPrincipal user, IDocumentSession session, PublicRecords records, TimeProvider time,
        Microsoft.Extensions.Options.IOptions<PublicationOptions> options, IdentityGuard guard, CancellationToken ct)
    {
        var (resolved, problem) = PublicationTimes.Resolve(request.Date!, request.Time!, request.TimeZone!.Trim(), request.Offset);
        if (resolved is null) return Invalid("time", problem!);
        var now = time.GetUtcNow();
        if (resolved.Instant <= now) return Invalid("time", "The publication instant must be in the future.");
        var lead = resolved.Instant - options.Value.PreNoticeLeadTime;
        var check = resolved.Instant - options.Value.FinalCheckLeadTime;
        var publication = resolved with { PreNoticeAt = lead > now ? lead : now, CheckAt = check > now ? check : now };
        var reason = string.IsNullOrWhiteSpace(request.OverrideReason) ? null : request.OverrideReason.Trim();
        // The reason goes to the vendors: it is checked for the reporter's identity with the advisory texts.
        if (await GuardAsync(session, guard, trackingNumber, null, ct, more: [reason]) is { } refused) return refused;
        if (await UnreviewedAsync(session, trackingNumber, ct) is { Count: > 0 } unreviewed)
        {
            // No override: the reporter's raw text never goes public without a coordinator having read it.
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Base + ReporterWords.Unreviewed, title: "The reporter's words are not reviewed",
                detail: ReporterWords.Detail(unreviewed) + " Then schedule.",
                extensions: new Dictionary<string, object?> { ["advisories"] = unreviewed });
        }
        var facts = trackingNumber.Length <= 32 ? await session.Query<CaseFacts>().FirstOrDefaultAsync(f => f.TrackingNumber == trackingNumber, ct) : null;
        var concerns = ScheduleDecider.Concerns(facts, resolved.Instant, now, options.Value.PreNoticeLeadTime);
        if (concerns.Count > 0 && reason is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Base + "schedule-not-coordinated", title: "Not coordinated",
                detail: string.Join(" ", concerns.Select(c => c.Detail)) + " To publish at this instant all the same, confirm with a reason (overrideReason): it is recorded and shown to the vendors.",
                extensions: new Dictionary<string, object?>
                {
                    ["concerns"] = concerns, ["instant"] = resolved.Instant, ["timeZone"] = resolved.TimeZone, ["localTime"] = resolved.LocalTime,
                    ["agreedDisclosureAt"] = facts?.AgreedDisclosureAt,
                });
        }
        return await ChangeSetAsync(session, trackingNumber, records, now, ct, (set, setId, number) =>
        {
            object change = set is null
                ? new PublicationScheduled(setId, number, publication, Coordinator(user), now)
                : new PublicationRescheduled(setId, publication, Coordinator(user), now, number);
            return concerns.Count == 0 ? [change]
                : [change, new ScheduleOverridden(setId, number, publication, concerns, reason!, [.. facts!.Vendors.Select(v => v.OrganisationId)], Coordinator(user), now)];
        });
    }

    private static Task<IResult> CancelAsync(string trackingNumber, ClaimsPrincipal user, IDocumentSession session, PublicRecords records, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return ChangeSetAsync(session, trackingNumber, records, now, ct, (set, setId, number) => set?.Time is null ? [] : [new PublicationCancelled(setId, Coordinator(user), now, number)]);
    }

    /// <summary>Changes a set's schedule under its stream's lock, only while its instant has not passed, and rebuilds its public records in the same transaction.</summary>
    private static async Task<IResult> ChangeSetAsync(
        IDocumentSession session, string trackingNumber, PublicRecords records, DateTimeOffset now, CancellationToken ct,
        Func<DisclosureSet?, Guid, string, IReadOnlyList<object>> change)
    {
        var advisories = trackingNumber.Length <= 32
            ? await session.Query<Advisory>().Where(a => a.TrackingNumber == trackingNumber).ToListAsync(ct)
            : [];
        if (advisories.Count == 0) return NoSuchSet();
        var setId = advisories[0].SetId;
        var stream = await session.Events.FetchForExclusiveWriting<DisclosureSet>(setId, ct);
        if (stream.Aggregate is { } current && current.IsPublicAt(now))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Conflict, title: "Published already",
                detail: "The publication instant has passed; the advisories are public and can only be revised.");
        }
        if (change(stream.Aggregate, setId, trackingNumber) is [var @event, ..] events)
        {
            // The events and the public records they call for commit together: the watch never sees the set without its records.
            stream.AppendMany(events);
            var time = @event switch
            {
                PublicationScheduled scheduled => scheduled.Time,
                PublicationRescheduled rescheduled => rescheduled.Time,
                _ => null,
            };
            // The advisories are read again under the lock: a revision committed since the list above is what goes public.
            await records.RefreshAsync(session, setId, now, ct, new DisclosureSet { Id = setId, TrackingNumber = trackingNumber, Time = time });
            await session.SaveChangesAsync(ct);
        }
        return Results.Ok(await SetAsync(session, trackingNumber, ct));
    }

    /// <summary>The identity guard over every advisory of the case (with <paramref name="changed"/> in place of its stored version).</summary>
    private static async Task<IResult?> GuardAsync(IQuerySession session, IdentityGuard guard, string trackingNumber, (Guid Id, AdvisoryContent Content)? changed,
        CancellationToken ct, Guid? setId = null, params string?[] more)
    {
        var advisories = trackingNumber.Length <= 32 ? await session.Query<Advisory>().Where(a => a.TrackingNumber == trackingNumber).ToListAsync(ct) : [];
        if (advisories.Count == 0 && setId is null) return null;
        var set = setId ?? advisories[0].SetId;
        var contents = advisories.Select(a => changed is { } c && c.Id == a.Id ? c.Content : a.Content).ToList();
        if (changed is { } added && advisories.All(a => a.Id != added.Id)) contents.Add(added.Content); // a draft not stored yet
        var problem = await guard.CheckAsync(set, await session.LoadAsync<CaseFacts>(set, ct), contents, ct, more);
        return problem switch
        {
            null => null,
            { Unavailable: true } => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Base + "unavailable",
                title: "Try again shortly", detail: problem.Detail),
            _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Base + "reporter-identity",
                title: "The reporter would be named", detail: problem.Detail),
        };
    }

    /// <summary>The public ids of the case's advisories with fields still in the reporter's own words.</summary>
    private static async Task<IReadOnlyList<string>> UnreviewedAsync(IQuerySession session, string trackingNumber, CancellationToken ct) =>
        trackingNumber.Length > 32 ? []
            : ReporterWords.UnreviewedOf(await session.Query<Advisory>().Where(a => a.TrackingNumber == trackingNumber).ToListAsync(ct));

    private static async Task<SetView?> SetAsync(IQuerySession session, string trackingNumber, CancellationToken ct)
    {
        if (trackingNumber.Length > 32) return null;
        var advisories = await session.Query<Advisory>().Where(a => a.TrackingNumber == trackingNumber).OrderBy(a => a.DraftedAt).ToListAsync(ct);
        if (advisories.Count == 0) return null;
        var set = await session.LoadAsync<DisclosureSet>(advisories[0].SetId, ct);
        var facts = await session.LoadAsync<CaseFacts>(advisories[0].SetId, ct);
        return new SetView(advisories[0].SetId, trackingNumber, set?.Time, set?.Published == true, set?.PublishedAt, advisories, set?.HeldReason, set?.HeldAt,
            facts?.AgreedDisclosureAt, set?.Overrides ?? []);
    }

    private static Task<Advisory?> FindAsync(IQuerySession session, string publicId, CancellationToken ct) =>
        publicId.Length > 32 ? Task.FromResult<Advisory?>(null) : session.Query<Advisory>().FirstOrDefaultAsync(a => a.PublicId == publicId, ct);

    private static Actor Coordinator(ClaimsPrincipal user) => new(ActorKinds.Staff, user.AccountId());

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, type: ProblemTypes.Validation, title: "The request is not valid");

    private static IResult NoSuchAdvisory() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such advisory", detail: "No advisory has this id.");

    private static IResult NoSuchSet() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No advisories", detail: "No advisory was drafted for this tracking number.");
}

/// <summary>Advisory ids (<c>VP-2026-0001</c>) from a sequence per year in Disclosure's database.</summary>
public sealed class AdvisoryIds(IConfiguration configuration, IDocumentStore store) : IDisposable
{
    private readonly YearlySequence _sequence = new("disclosure_advisory_ids", configuration, store);

    public void Dispose() => _sequence.Dispose();

    public async Task<string> NextAsync(int year, CancellationToken ct) => $"VP-{year}-{await _sequence.NextAsync(year, ct):D4}";
}
