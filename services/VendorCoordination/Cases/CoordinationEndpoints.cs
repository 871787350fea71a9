using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.VendorCoordination.Directory;

namespace VulnPlatform.VendorCoordination.Cases;

public sealed record AddVendorRequest(Guid? OrganisationId);
public sealed record OpenCaseRequest(string? TrackingNumber, string? Vendor, string? Product);

public sealed class OpenCaseValidator : AbstractValidator<OpenCaseRequest>
{
    public OpenCaseValidator()
    {
        RuleFor(r => r.TrackingNumber).NotEmpty().MaximumLength(32).SingleLineText();
        RuleFor(r => r.Vendor).NotEmpty().MaximumLength(200).SingleLineText();
        RuleFor(r => r.Product).NotEmpty().MaximumLength(200).SingleLineText();
    }
}
public sealed record StatusRequest(string? Status, string? Justification, string? FixedVersion);
public sealed record StatementRequest(string? Text);
public sealed record NotifyRequest(string? Summary, bool? ExploitedInTheWild);
public sealed record DisclosureDateRequest(DateTimeOffset? DisclosureAt, string? Reason);

public sealed class DisclosureDateValidator : AbstractValidator<DisclosureDateRequest>
{
    public DisclosureDateValidator()
    {
        RuleFor(r => r.DisclosureAt).NotNull();
        RuleFor(r => r.Reason).MaximumLength(2_000).MultiLineText();
    }
}

public sealed class NotifyValidator : AbstractValidator<NotifyRequest>
{
    public NotifyValidator() => RuleFor(r => r.Summary).NotEmpty().MaximumLength(20_000).MultiLineText();
}

public sealed class StatusValidator : AbstractValidator<StatusRequest>
{
    public StatusValidator()
    {
        RuleFor(r => r.Status).NotEmpty().Must(s => s is null || VendorStatuses.All.Contains(s))
            .WithMessage($"The status is one of {string.Join(", ", VendorStatuses.All)}.");
        RuleFor(r => r.Justification).Must(j => j is null || VendorStatuses.Justifications.Contains(j))
            .WithMessage($"The justification is one of {string.Join(", ", VendorStatuses.Justifications)}.");
        RuleFor(r => r.FixedVersion).MaximumLength(100).SingleLineText();
    }
}

public sealed class StatementValidator : AbstractValidator<StatementRequest>
{
    public StatementValidator() => RuleFor(r => r.Text).NotEmpty().MaximumLength(20_000).MultiLineText();
}

public sealed class AddVendorValidator : AbstractValidator<AddVendorRequest>
{
    public AddVendorValidator() => RuleFor(r => r.OrganisationId).NotEmpty();
}

/// <summary>
/// What a vendor sees of a case: the products named, the scores, and its own part (with the notices the
/// coordinator sent it) — nothing of the reporter, of Triage's internals or of other vendors.
/// </summary>
public sealed record VendorCaseView(
    string? TrackingNumber, DateTimeOffset OpenedAt, IReadOnlyList<string> Products,
    string? CvssVector, decimal? BaseScore, string? Severity, string? Cwe, DateTimeOffset? DisclosureAt, bool DisclosureAgreed, VendorEntry Entry);

/// <summary>
/// <c>/api/coordination/cases</c> for coordinators (every vendor of every case) and
/// <c>/api/coordination/vendor/cases</c> for vendor accounts (their organisation's part of the cases
/// it is on, and nothing else: another organisation's case is a 404).
/// </summary>
public static class CoordinationEndpoints
{
    private const int MaxPageSize = 200;

    public static void MapCoordination(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/coordination/cases").WithTags("Coordination").RequireAuthorization(CoordinationAccess.Coordinators);
        cases.MapGet("/", async (IQuerySession session, bool? overdue, int? page, int? pageSize, CancellationToken ct) =>
            await PageAsync(overdue == true ? session.Query<CoordinationCase>().Where(c => c.Overdue) : session.Query<CoordinationCase>(), page, pageSize, c => c, ct))
            .WithName("CoordinationCases");
        cases.MapPost("/", OpenAsync).WithValidation<OpenCaseRequest>().WithName("OpenCoordinationCase");
        cases.MapGet("/{trackingNumber}", async (string trackingNumber, IQuerySession session, CancellationToken ct) =>
            await FindAsync(session, trackingNumber, ct) is { } c ? Results.Ok(c) : NoSuchCase()).WithName("GetCoordinationCase");
        cases.MapPost("/{trackingNumber}/vendors", async (string trackingNumber, AddVendorRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            {
                if (await session.LoadAsync<Organisation>(request.OrganisationId!.Value, ct) is not { } organisation)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation, title: "No such vendor",
                        detail: "The directory has no organisation with this id.");
                }
                return await DecideAsync(session, trackingNumber, new AddVendor(organisation.Id, organisation.Name), Staff(user), time, c => Results.Ok(c), ct);
            })
            .WithValidation<AddVendorRequest>().WithName("AddVendorToCase");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/status", (string trackingNumber, Guid organisationId, StatusRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, Status(organisationId, request), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<StatusRequest>().WithName("SetVendorStatus");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/statements", (string trackingNumber, Guid organisationId, StatementRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new PostStatement(organisationId, request.Text!.Trim()), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<StatementRequest>().WithName("PostVendorStatement");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/notify", (string trackingNumber, Guid organisationId, NotifyRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, IOptions<VendorDeadlineOptions> options, CancellationToken ct) =>
            {
                var exploited = request.ExploitedInTheWild == true;
                var days = exploited ? options.Value.ExploitedDisclosureAfterDays : options.Value.DisclosureAfterDays;
                return DecideAsync(session, trackingNumber, new NotifyVendor(organisationId, request.Summary!.Trim(), exploited, days), Staff(user), time,
                    c => Results.Ok(c), ct);
            })
            .WithValidation<NotifyRequest>().WithName("NotifyVendor");
        cases.MapPost("/{trackingNumber}/disclosure-date", (string trackingNumber, DisclosureDateRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new AgreeDisclosureDate(request.DisclosureAt!.Value), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<DisclosureDateRequest>().WithName("AgreeDisclosureDate");

        var vendor = app.MapGroup("/api/coordination/vendor/cases").WithTags("Vendor view").RequireAuthorization(CoordinationAccess.Vendors);
        vendor.MapGet("/", async (ClaimsPrincipal user, IQuerySession session, int? page, int? pageSize, CancellationToken ct) =>
        {
            var organisation = CoordinationAccess.OrganisationOf(user);
            return await PageAsync(session.Query<CoordinationCase>().Where(c => c.OrganisationIds.Contains(organisation)), page, pageSize,
                c => ViewFor(c, organisation, null), ct);
        }).WithName("VendorCases");
        vendor.MapGet("/{trackingNumber}", async (string trackingNumber, ClaimsPrincipal user, IQuerySession session, CancellationToken ct) =>
        {
            var organisation = CoordinationAccess.OrganisationOf(user);
            return await FindAsync(session, trackingNumber, ct) is { } c && c.Vendor(organisation) is not null
                ? Results.Ok(ViewFor(c, organisation, await session.LoadAsync<ReportScores>(c.ReportId, ct)))
                : NoSuchCase();
        }).WithName("VendorCase");
        vendor.MapPost("/{trackingNumber}/status", (string trackingNumber, StatusRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            {
                var organisation = CoordinationAccess.OrganisationOf(user);
                return DecideAsync(session, trackingNumber, Status(organisation, request), VendorActor(user), time, c => Results.Ok(ViewFor(c, organisation, null)), ct,
                    mustBeOn: organisation);
            })
            .WithValidation<StatusRequest>().WithName("VendorSetsStatus");
        vendor.MapPost("/{trackingNumber}/statements", (string trackingNumber, StatementRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            {
                var organisation = CoordinationAccess.OrganisationOf(user);
                return DecideAsync(session, trackingNumber, new PostStatement(organisation, request.Text!.Trim()), VendorActor(user), time,
                    c => Results.Ok(ViewFor(c, organisation, null)), ct, mustBeOn: organisation);
            })
            .WithValidation<StatementRequest>().WithName("VendorPostsStatement");
        vendor.MapPost("/{trackingNumber}/acknowledge", (string trackingNumber, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            {
                var organisation = CoordinationAccess.OrganisationOf(user);
                return DecideAsync(session, trackingNumber, new AcknowledgeNotice(organisation), VendorActor(user), time, c => Results.Ok(ViewFor(c, organisation, null)), ct,
                    mustBeOn: organisation);
            })
            .WithName("VendorAcknowledges");
        vendor.MapPost("/{trackingNumber}/disclosure-date-requests", (string trackingNumber, DisclosureDateRequest request, ClaimsPrincipal user,
                IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            {
                var organisation = CoordinationAccess.OrganisationOf(user);
                return DecideAsync(session, trackingNumber, new RequestDisclosureDate(organisation, request.DisclosureAt!.Value, request.Reason?.Trim() ?? ""),
                    VendorActor(user), time, c => Results.Ok(ViewFor(c, organisation, null)), ct, mustBeOn: organisation);
            })
            .WithValidation<DisclosureDateRequest>().WithName("VendorRequestsDisclosureDate");
    }

    /// <summary>A coordinator opens coordination for a vulnerability report Triage has not (yet) marked as concerning a third party.</summary>
    private static async Task<IResult> OpenAsync(OpenCaseRequest request, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        var number = request.TrackingNumber!.Trim();
        if (await session.Query<ReportReference>().FirstOrDefaultAsync(r => r.TrackingNumber == number, ct) is not { } report)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation, title: "No such report",
                detail: "No vulnerability report has this tracking number.");
        }
        if (await session.Events.FetchStreamStateAsync(report.Id, ct) is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Conflict, title: "Already coordinated",
                detail: $"Coordination for {number} is open already.");
        }
        var now = time.GetUtcNow();
        var suggested = (await Suggestions.ForAsync(session, request.Vendor, request.Product, ct)).Select(s => s.OrganisationId).ToList();
        session.Events.StartStream<CoordinationCase>(report.Id, new CoordinationOpened(report.Id, report.Id, number, Staff(user), now),
            new ThirdPartyProductNamed(report.Id, request.Vendor!.Trim(), request.Product!.Trim(), suggested, now));
        await session.SaveChangesAsync(ct);
        return Results.Created($"/api/coordination/cases/{number}", await session.LoadAsync<CoordinationCase>(report.Id, ct));
    }

    private static async Task<IResult> DecideAsync(
        IDocumentSession session, string trackingNumber, CoordinationCommand command, Actor by, TimeProvider time, Func<CoordinationCase, IResult> answer,
        CancellationToken ct, Guid? mustBeOn = null)
    {
        if (await FindAsync(session, trackingNumber, ct) is not { } found) return NoSuchCase();
        if (mustBeOn is { } organisation && found.Vendor(organisation) is null) return NoSuchCase(); // another organisation's case does not exist for this caller
        var stream = await session.Events.FetchForExclusiveWriting<CoordinationCase>(found.Id, ct);
        var decision = CoordinationDecider.Decide(stream.Aggregate!, command, by, time.GetUtcNow());
        if (decision.Refusal is { } refusal) return refusal.ToProblem();
        stream.AppendMany(decision.Events);
        await session.SaveChangesAsync(ct);
        return answer((await session.LoadAsync<CoordinationCase>(found.Id, ct))!);
    }

    private static async Task<IResult> PageAsync<T>(
        IQueryable<CoordinationCase> query, int? page, int? pageSize, Func<CoordinationCase, T> shape, CancellationToken ct)
    {
        var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, MaxPageSize);
        if (invalid is not null) return invalid;
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.OpenedAt).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
        return Results.Ok(paging.Of(items.Select(shape).ToList(), total));
    }

    private static VendorCaseView ViewFor(CoordinationCase c, Guid organisation, ReportScores? scores)
    {
        var entry = c.Vendor(organisation)!;
        return new(c.TrackingNumber, c.OpenedAt, [.. c.Products.Select(p => p.Product).Distinct()],
            scores?.CvssVector, scores?.BaseScore, scores?.Severity, scores?.Cwe, c.Disclosure.DisclosureAt, c.Disclosure.Agreed, entry);
    }

    private static SetVendorStatus Status(Guid organisation, StatusRequest r) =>
        new(organisation, r.Status!, r.Justification, string.IsNullOrWhiteSpace(r.FixedVersion) ? null : r.FixedVersion.Trim());

    private static Task<CoordinationCase?> FindAsync(IQuerySession session, string trackingNumber, CancellationToken ct) =>
        trackingNumber.Length > 32 ? Task.FromResult<CoordinationCase?>(null)
            : session.Query<CoordinationCase>().FirstOrDefaultAsync(c => c.TrackingNumber == trackingNumber, ct);

    private static Actor Staff(ClaimsPrincipal user) => new(ActorKinds.Staff, user.AccountId());

    private static Actor VendorActor(ClaimsPrincipal user) => new(ActorKinds.Vendor, user.AccountId());

    private static IResult NoSuchCase() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such case", detail: "No coordination case has this tracking number.");
}
