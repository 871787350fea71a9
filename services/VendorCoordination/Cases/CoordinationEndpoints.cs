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
public sealed record RemoveVendorRequest(string? Reason);

public sealed class RemoveVendorValidator : AbstractValidator<RemoveVendorRequest>
{
    public RemoveVendorValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000).MultiLineText();
}
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

public sealed record RelayReviewRequest(bool? Hold);
public sealed record DeclineRequest(string? Reason);
public sealed record ShareFileRequest(Guid? AttachmentId);
public sealed record VendorMessageRequest(string? Text);

public sealed class RelayReviewValidator : AbstractValidator<RelayReviewRequest>
{
    public RelayReviewValidator() => RuleFor(r => r.Hold).NotNull();
}

public sealed class DeclineValidator : AbstractValidator<DeclineRequest>
{
    public DeclineValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000).MultiLineText();
}

public sealed class ShareFileValidator : AbstractValidator<ShareFileRequest>
{
    public ShareFileValidator() => RuleFor(r => r.AttachmentId).NotEmpty();
}

public sealed class VendorMessageValidator : AbstractValidator<VendorMessageRequest>
{
    public VendorMessageValidator() => RuleFor(r => r.Text).NotEmpty().MaximumLength(10_000).MultiLineText();
}

/// <summary>
/// What a vendor sees of a case: the products named, the scores, and its own part (with the notices the
/// coordinator sent it, the relay with the reporter and the files shared with it) — nothing of Triage's
/// internals or of other vendors, and the reporter only as "the reporter" unless their consent allows
/// <see cref="Reporter"/> (asked for at the time of viewing; never in lists).
/// </summary>
public sealed record VendorCaseView(
    string? TrackingNumber, DateTimeOffset OpenedAt, IReadOnlyList<string> Products,
    string? CvssVector, decimal? BaseScore, string? Severity, string? Cwe, DateTimeOffset? DisclosureAt, bool DisclosureAgreed, VendorPart Entry,
    ReporterIdentity? Reporter);

/// <summary>A vendor's own part of a case as the vendor sees it (no staff or reporter account ids).</summary>
public sealed record VendorPart(
    Guid OrganisationId, string Name, DateTimeOffset? NotifiedAt, DateTimeOffset? AcknowledgedAt, string Status, string? Justification, string? FixedVersion,
    DateTimeOffset? StatusAt, IReadOnlyList<VendorStatement> Statements, IReadOnlyList<Notice> Notices, IReadOnlyList<VendorMessage> Messages,
    IReadOnlyList<VendorFile> Files, DateTimeOffset? AcknowledgeBy)
{
    public static VendorPart Of(CoordinationCase c, VendorEntry v) => new(v.OrganisationId, v.Name, v.NotifiedAt, v.AcknowledgedAt, v.Status, v.Justification,
        v.FixedVersion, v.StatusAt, [.. v.Statements.Select(s => new VendorStatement(s.Text, s.ByKind, s.At))], v.Notices,
        [.. v.Messages.Where(m => m.Direction == Contracts.VendorCoordination.VendorMessageRelayed.ToReporter || m.State == RelayStates.Relayed)
            .Select(m => m.Direction == Contracts.VendorCoordination.VendorMessageRelayed.ToReporter
                ? new VendorMessage(m.Id, "vendor", m.Text, m.At, m.State, m.Reason)
                : new VendorMessage(m.Id, "reporter", m.Text, m.DecidedAt ?? m.At, m.State, null))],
        [.. v.Files.Select((f, i) => new VendorFile(f.AttachmentId, VendorFile.NeutralName(c.TrackingNumber, i, f.FileName), f.Size, f.Sha256, f.ContentType))],
        v.AcknowledgedAt is null ? v.RemindAt : null);
}

public sealed record VendorStatement(string Text, string ByKind, DateTimeOffset At);

/// <summary>A relay message as the vendor sees it: <see cref="From"/> is <c>vendor</c> (its own, with the coordinator's decision) or <c>reporter</c>.</summary>
public sealed record VendorMessage(Guid Id, string From, string Text, DateTimeOffset At, string State, string? Reason);

/// <summary>A shared file under a neutral name (the reporter's own file name could say who they are).</summary>
public sealed record VendorFile(Guid Id, string FileName, long Size, string Sha256, string ContentType)
{
    public static string NeutralName(string? trackingNumber, int index, string original)
    {
        var extension = Path.GetExtension(original);
        if (extension.Length is < 2 or > 10 || !extension.Skip(1).All(char.IsAsciiLetterOrDigit)) extension = ".bin";
        return $"{trackingNumber ?? "case"}-file-{index + 1}{extension.ToLowerInvariant()}";
    }
}

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
        var cases = app.MapGroup("/api/coordination/cases").WithTags("Coordination").RequireAuthorization(PlatformAccess.Coordinators);
        cases.MapGet("/", async (IQuerySession session, bool? overdue, bool? held, int? page, int? pageSize, CancellationToken ct) =>
            {
                var query = session.Query<CoordinationCase>().AsQueryable();
                if (overdue == true) query = query.Where(c => c.Overdue);
                if (held == true) query = query.Where(c => c.HeldMessages > 0);
                return await PageAsync(query, page, pageSize, c => c, ct);
            })
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
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/remove", async (string trackingNumber, Guid organisationId, RemoveVendorRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, ReporterIdentities reporters, CancellationToken ct) =>
            {
                // The reason reaches a notified vendor: it may not name the reporter any more than a notice may.
                if (await FindAsync(session, trackingNumber, ct) is { } found && found.Vendor(organisationId) is { NotifiedAt: not null }
                    && await NamingReporterAsync(session, reporters, found.ReportId, request.Reason!, "reason", ct) is { } refused)
                {
                    return refused;
                }
                return await DecideAsync(session, trackingNumber, new RemoveVendor(organisationId, request.Reason!.Trim()), Staff(user), time, c => Results.Ok(c), ct);
            })
            .WithValidation<RemoveVendorRequest>().WithName("RemoveVendorFromCase");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/status", (string trackingNumber, Guid organisationId, StatusRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, Status(organisationId, request), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<StatusRequest>().WithName("SetVendorStatus");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/statements", (string trackingNumber, Guid organisationId, StatementRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new PostStatement(organisationId, request.Text!.Trim()), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<StatementRequest>().WithName("PostVendorStatement");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/notify", async (string trackingNumber, Guid organisationId, NotifyRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, IOptions<VendorDeadlineOptions> options, ReporterIdentities identities,
                CancellationToken ct) =>
            {
                // The vendor reads the notice in its view as well as by e-mail: the same guard as the e-mail's, before it is stored.
                if (await FindAsync(session, trackingNumber, ct) is { } found
                    && await NamingReporterAsync(session, identities, found.ReportId, request.Summary!, "notice", ct) is { } refused)
                {
                    return refused;
                }
                var exploited = request.ExploitedInTheWild == true;
                var days = exploited ? options.Value.ExploitedDisclosureAfterDays : options.Value.DisclosureAfterDays;
                return await DecideAsync(session, trackingNumber, new NotifyVendor(organisationId, request.Summary!.Trim(), exploited, days), Staff(user), time,
                    c => Results.Ok(c), ct);
            })
            .WithValidation<NotifyRequest>().WithName("NotifyVendor");
        cases.MapPost("/{trackingNumber}/disclosure-date", (string trackingNumber, DisclosureDateRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new AgreeDisclosureDate(request.DisclosureAt!.Value), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<DisclosureDateRequest>().WithName("AgreeDisclosureDate");
        cases.MapPut("/{trackingNumber}/relay-review", (string trackingNumber, RelayReviewRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new SetRelayReview(request.Hold!.Value), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<RelayReviewRequest>().WithName("SetRelayReview");
        cases.MapPost("/{trackingNumber}/messages/{messageId:guid}/release", (string trackingNumber, Guid messageId, ClaimsPrincipal user,
                IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new ReleaseMessage(messageId), Staff(user), time, c => Results.Ok(c), ct))
            .WithName("ReleaseRelayMessage");
        cases.MapPost("/{trackingNumber}/messages/{messageId:guid}/decline", (string trackingNumber, Guid messageId, DeclineRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            DecideAsync(session, trackingNumber, new DeclineMessage(messageId, request.Reason!.Trim()), Staff(user), time, c => Results.Ok(c), ct))
            .WithValidation<DeclineRequest>().WithName("DeclineRelayMessage");
        cases.MapGet("/{trackingNumber}/files", async (string trackingNumber, IQuerySession session, CancellationToken ct) =>
            await FindAsync(session, trackingNumber, ct) is { } c
                ? Results.Ok((await session.LoadAsync<ReportFiles>(c.ReportId, ct))?.Files ?? [])
                : NoSuchCase()).WithName("ReportFilesForSharing");
        cases.MapPost("/{trackingNumber}/vendors/{organisationId:guid}/files", (string trackingNumber, Guid organisationId, ShareFileRequest request,
                ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            ShareAsync(session, trackingNumber, organisationId, request.AttachmentId!.Value, true, Staff(user), time, ct))
            .WithValidation<ShareFileRequest>().WithName("ShareFileWithVendor");
        cases.MapDelete("/{trackingNumber}/vendors/{organisationId:guid}/files/{attachmentId:guid}", (string trackingNumber, Guid organisationId,
                Guid attachmentId, ClaimsPrincipal user, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
            ShareAsync(session, trackingNumber, organisationId, attachmentId, false, Staff(user), time, ct))
            .WithName("UnshareFileWithVendor");

        var vendor = app.MapGroup("/api/coordination/vendor/cases").WithTags("Vendor view").RequireAuthorization(CoordinationAccess.Vendors);
        vendor.MapGet("/", async (ClaimsPrincipal user, IQuerySession session, int? page, int? pageSize, CancellationToken ct) =>
        {
            var organisation = CoordinationAccess.OrganisationOf(user);
            return await PageAsync(session.Query<CoordinationCase>().Where(c => c.Vendors.Any(v => v.OrganisationId == organisation && v.NotifiedAt != null)), page, pageSize,
                c => ViewFor(c, organisation, null), ct);
        }).WithName("VendorCases");
        vendor.MapGet("/{trackingNumber}", async (string trackingNumber, ClaimsPrincipal user, IQuerySession session, ReporterIdentities identities,
            HttpContext http, CancellationToken ct) =>
        {
            var organisation = CoordinationAccess.OrganisationOf(user);
            if (await FindAsync(session, trackingNumber, ct) is not { } c || c.NotifiedVendor(organisation) is null) return NoSuchCase();
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(ViewFor(c, organisation, await session.LoadAsync<ReportScores>(c.ReportId, ct),
                await identities.ForVendorAsync(session, c.ReportId, ct)));
        }).WithName("VendorCase");
        vendor.MapPost("/{trackingNumber}/messages", async (string trackingNumber, VendorMessageRequest request, ClaimsPrincipal user, IDocumentSession session,
                TimeProvider time, CancellationToken ct) =>
            {
                var organisation = CoordinationAccess.OrganisationOf(user);
                var messageId = Guid.CreateVersion7(time.GetUtcNow());
                return await DecideAsync(session, trackingNumber,
                    new RelayMessage(organisation, messageId, Contracts.VendorCoordination.VendorMessageRelayed.ToReporter, request.Text!.Trim()), VendorActor(user), time,
                    c => Results.Created($"/api/coordination/vendor/cases/{trackingNumber}", ViewFor(c, organisation, null)), ct, mustBeOn: organisation);
            })
            .WithValidation<VendorMessageRequest>().WithName("VendorWritesToReporter");
        vendor.MapGet("/{trackingNumber}/files/{attachmentId:guid}", DownloadAsync).WithName("VendorDownloadsFile")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
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
    /// <summary>
    /// A refusal when a text bound for a vendor names the reporter who has not agreed to be named to vendors
    /// (409), or cannot be checked just now (503); null when it may go.
    /// </summary>
    private static async Task<IResult?> NamingReporterAsync(IQuerySession session, ReporterIdentities identities, Guid reportId, string text, string what,
        CancellationToken ct)
    {
        string? named;
        try
        {
            named = await identities.NamedInAsync(session, reportId, text, ct);
        }
        catch (HttpRequestException)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Base + "unavailable", title: "Try again shortly",
                detail: $"The {what} could not be checked against the reporter's identity just now; nothing was sent.");
        }
        return named is null ? null : Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Base + "reporter-identity",
            title: "The reporter would be named", detail: $"The {what} contains the reporter's {named}, and they have not agreed to be named to vendors; remove it.");
    }

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
        // Another organisation's case, or one the caller's was not told of yet, does not exist for this caller.
        if (mustBeOn is { } organisation && found.NotifiedVendor(organisation) is null) return NoSuchCase();
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

    private static VendorCaseView ViewFor(CoordinationCase c, Guid organisation, ReportScores? scores, ReporterIdentity? reporter = null) =>
        new(c.TrackingNumber, c.OpenedAt, [.. c.ProductsOf(c.Vendor(organisation)!)],
            scores?.CvssVector, scores?.BaseScore, scores?.Severity, scores?.Cwe, c.Disclosure.DisclosureAt, c.Disclosure.Agreed,
            VendorPart.Of(c, c.Vendor(organisation)!), reporter);

    private static async Task<IResult> ShareAsync(
        IDocumentSession session, string trackingNumber, Guid organisation, Guid attachmentId, bool share, Actor by, TimeProvider time, CancellationToken ct)
    {
        if (await FindAsync(session, trackingNumber, ct) is not { } c) return NoSuchCase();
        var file = (await session.LoadAsync<ReportFiles>(c.ReportId, ct))?.Files.FirstOrDefault(f => f.AttachmentId == attachmentId)
            ?? c.Vendor(organisation)?.Files.Where(f => f.AttachmentId == attachmentId)
                .Select(f => new ReportFile(f.AttachmentId, f.FileName, f.Size, f.Sha256, f.ContentType, f.SharedAt)).FirstOrDefault();
        if (file is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No such file",
                detail: "The report has no attachment with this id.");
        }
        return await DecideAsync(session, trackingNumber, new ShareAttachment(organisation, file, share), by, time, c => Results.Ok(c), ct);
    }

    /// <summary>A file shared with the caller's organisation, streamed from Intake as a download (Intake records that the vendor received it).</summary>
    private static async Task<IResult> DownloadAsync(
        string trackingNumber, Guid attachmentId, ClaimsPrincipal user, IQuerySession session, ReporterIdentities intake, HttpContext http,
        ILogger<ReporterIdentities> logger, CancellationToken ct)
    {
        var organisation = CoordinationAccess.OrganisationOf(user);
        if (await FindAsync(session, trackingNumber, ct) is not { } c || c.NotifiedVendor(organisation) is not { } vendor
            || vendor.Files.FindIndex(f => f.AttachmentId == attachmentId) is var index && index < 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No such file",
                detail: "No file with this id was shared with your organisation on this case.");
        }
        var file = vendor.Files[index];
        var response = await intake.AttachmentAsync(c.ReportId, attachmentId, $"{organisation}/{user.AccountId()}", ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            logger.LogWarning("Intake answered {Status} for attachment {AttachmentId} of case {TrackingNumber}, fetched for a vendor",
                status, attachmentId, trackingNumber);
            return status == StatusCodes.Status410Gone
                ? Results.Problem(statusCode: StatusCodes.Status410Gone, type: ProblemTypes.Base + "erased",
                    title: "File erased", detail: "The reporter's data, this file included, was erased.")
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Base + "unavailable",
                    title: "File unavailable", detail: "The file cannot be fetched just now; try again shortly.");
        }
        http.Response.RegisterForDispose(response);
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.ContentLength = response.Content.Headers.ContentLength;
        return Results.Stream(await response.Content.ReadAsStreamAsync(ct), "application/octet-stream",
            VendorFile.NeutralName(c.TrackingNumber, index, file.FileName));
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
