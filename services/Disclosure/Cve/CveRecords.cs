using System.Security.Claims;
using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Publication;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Disclosure.Cve;

/// <summary>Whether a CVE id's record went to the CVE Program (through CVE Services) and when.</summary>
public sealed class CveRecordState
{
    public string Id { get; set; } = "";
    public string AdvisoryPublicId { get; set; } = "";
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}

public static class CveEndpoints
{
    public static void MapCve(this IEndpointRouteBuilder app)
    {
        // Reserve a CVE id for an advisory through the CNA adapter (with CVE Services configured); it joins the advisory as a revision.
        app.MapPost("/api/advisories/{publicId}/cve-ids", async (string publicId, ClaimsPrincipal user, IDocumentSession session, ICveNumbering cna,
                PublicRecords records, TimeProvider time, CancellationToken ct) =>
            {
                if (!cna.CanReserve)
                {
                    return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Conflict, title: "CVE ids are entered by hand",
                        detail: "No CVE Services account is configured: enter the CVE id in the advisory's cveIds.");
                }
                if (publicId.Length > 32 || await session.Query<Advisory>().FirstOrDefaultAsync(a => a.PublicId == publicId, ct) is not { } found)
                {
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No such advisory", detail: "No advisory has this id.");
                }
                var now = time.GetUtcNow();
                string cveId;
                try
                {
                    cveId = await cna.ReserveAsync(now.Year, ct);
                }
                catch (Exception e) when (e is CveServicesException or HttpRequestException)
                {
                    return Results.Problem(statusCode: StatusCodes.Status502BadGateway, type: ProblemTypes.Base + "cna-unavailable", title: "CVE Services refused",
                        detail: e.Message);
                }
                var stream = await session.Events.FetchForExclusiveWriting<Advisory>(found.Id, ct);
                var advisory = stream.Aggregate!;
                var set = await session.LoadAsync<DisclosureSet>(advisory.SetId, ct);
                stream.AppendOne(new AdvisoryRevised(advisory.Id, advisory.Content with { CveIds = [.. advisory.Content.CveIds, cveId] }, $"Assigned {cveId}.",
                    new Actor(ActorKinds.Staff, user.AccountId()), now, advisory.PublicId, advisory.SetId, set?.IsPublicAt(now) == true));
                await session.SaveChangesAsync(ct);
                await records.RefreshLockedAsync(session, advisory.SetId, now, ct);
                await session.SaveChangesAsync(ct);
                return Results.Ok(new { cveId, advisory = await session.LoadAsync<Advisory>(advisory.Id, ct) });
            })
            .RequireAuthorization(PlatformAccess.Coordinators).WithTags("Advisories").WithName("ReserveCveId");

        // The CVE JSON 5.1 record (metadata and CNA container) of each CVE id of a public advisory.
        app.MapGet("/advisories/{publicId}/cve/{cveId}.json", async (string publicId, string cveId, IQuerySession session, TimeProvider time,
                IOptions<CveOptions> options, PublicRecords records, HttpContext http, CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                if (publicId.Length > 32 || await session.Query<PublicAdvisory>().FirstOrDefaultAsync(p => p.PublicId == publicId && p.VisibleFrom <= now, ct) is not { } advisory
                    || !advisory.Content.CveIds.Contains(cveId))
                {
                    http.Response.Headers.CacheControl = "no-store";
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "Not found", detail: "There is no such public document.");
                }
                http.Response.Headers.CacheControl = "public, max-age=60";
                return Results.Text(CveRecordWriter.Record(advisory, cveId, options.Value.OrgId, options.Value.ShortName, records.Origin).ToJsonString(), "application/json");
            })
            .WithTags("Public").WithName("CveRecord");

        // The OSV document of a public advisory whose products are packages.
        app.MapGet("/advisories/{publicId}/osv.json", async (string publicId, IQuerySession session, TimeProvider time, PublicRecords records, HttpContext http,
                CancellationToken ct) =>
            {
                var now = time.GetUtcNow();
                if (publicId.Length <= 32 && await session.Query<PublicAdvisory>().FirstOrDefaultAsync(p => p.PublicId == publicId && p.VisibleFrom <= now, ct) is { } advisory
                    && Osv.OsvWriter.Write(advisory, records.Origin, records.OsvIdPrefix) is { } osv)
                {
                    http.Response.Headers.CacheControl = "public, max-age=60";
                    return Results.Text(osv.ToJsonString(), "application/json");
                }
                http.Response.Headers.CacheControl = "no-store";
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "Not found",
                    detail: "There is no such public document (OSV documents exist for advisories whose products are packages).");
            })
            .WithTags("Public").WithName("OsvDocument");
    }
}

/// <summary>
/// When a case's advisories become public, each CVE id's record goes to the CVE Program (with CVE
/// Services configured); a public revision updates it. Failures retry (the bus redelivers).
/// </summary>
public sealed class CveRecordPublisher(ISessionFactory sessions, TimeProvider time, ICveNumbering cna, IOptions<CveOptions> options, PublicRecords records)
    : IdempotentConsumer<VulnPlatform.Contracts.Disclosure.AdvisoriesPublished>(sessions, time)
{
    private readonly TimeProvider _time = time;

    protected override string ConsumerName => "disclosure.cve-records";

    protected override async Task HandleAsync(VulnPlatform.Contracts.Disclosure.AdvisoriesPublished message, Delivery delivery, IDocumentSession session,
        CancellationToken cancellationToken)
    {
        var advisories = await session.Query<PublicAdvisory>().Where(p => p.SetId == message.ReportId).ToListAsync(cancellationToken);
        foreach (var advisory in advisories)
        {
            foreach (var cveId in advisory.Content.CveIds)
            {
                var state = await session.LoadAsync<CveRecordState>(cveId, cancellationToken);
                if (state?.PublishedAt is not null) continue;
                if (!await cna.PublishAsync(cveId, CveRecordWriter.CnaContainer(advisory, options.Value.OrgId, records.Origin), update: false, cancellationToken)) continue;
                session.Store(new CveRecordState { Id = cveId, AdvisoryPublicId = advisory.PublicId, PublishedAt = _time.GetUtcNow() });
            }
        }
    }
}
