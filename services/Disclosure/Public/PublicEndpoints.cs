using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Disclosure.Csaf;
using VulnPlatform.Disclosure.Publication;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Disclosure.Public;

/// <summary>
/// Everything public, without authentication: the pages, the JSON, the Atom feed, the
/// acknowledgments and the CSAF provider layout. Each reads only advisories whose instant has passed
/// at the moment of the request; anything else is 404 (never 403), absent from every list and not cached.
/// </summary>
public static class PublicEndpoints
{
    private const int IndexPageSize = 100;

    public static void MapPublicAdvisories(this IEndpointRouteBuilder app)
    {
        app.MapGet("/advisories", async (HttpContext http, IQuerySession session, TimeProvider time, int? page, CancellationToken ct) =>
        {
            var (paging, invalid) = Paging.From(page, IndexPageSize, IndexPageSize, IndexPageSize);
            if (invalid is not null) return invalid;
            var visible = await Visible(session, time).OrderByDescending(p => p.VisibleFrom).ThenByDescending(p => p.PublicId)
                .Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
            return Html(http, PublicPages.Index(visible, PublicPages.Language(http.Request)));
        }).WithName("AdvisoryIndex").WithTags("Public");
        app.MapGet("/advisories/feed.atom", FeedAsync).WithName("AdvisoryFeed").WithTags("Public");
        app.MapGet("/advisories/{publicId}.json", async (string publicId, HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
            await FindAsync(session, time, publicId, ct) is { } a ? Cached(http, Results.Ok(new
            {
                id = a.PublicId, a.Content.Title, a.Content.Summary, a.Content.TitleZh, a.Content.SummaryZh, a.Content.Cwe, a.Content.CweName, a.Content.CvssVector,
                a.Content.BaseScore, a.Content.Severity, a.Content.Remediation, a.Content.Products, a.Content.CveIds, a.Content.Credit, a.Content.Statements,
                a.Content.References, published = a.VisibleFrom, publishedTimeZone = a.TimeZone, updated = a.CurrentReleaseDate, revisions = a.Revisions,
            })) : NotFound(http)).WithName("AdvisoryJson").WithTags("Public");
        app.MapGet("/advisories/{publicId}", async (string publicId, HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
            await FindAsync(session, time, publicId, ct) is { } a ? Html(http, PublicPages.Advisory(a, PublicPages.Language(http.Request))) : NotFound(http))
            .WithName("AdvisoryPage").WithTags("Public");
        app.MapGet("/acknowledgments", async (HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
            Html(http, PublicPages.Acknowledgments(await Visible(session, time).Where(p => p.Content.Credit != null).OrderByDescending(p => p.VisibleFrom).ToListAsync(ct),
                PublicPages.Language(http.Request)))).WithName("Acknowledgments").WithTags("Public");

        var csaf = app.MapGroup("/.well-known/csaf").WithTags("CSAF");
        csaf.MapGet("/provider-metadata.json", async (HttpContext http, IQuerySession session, TimeProvider time, PublicRecords records,
            IOptions<PublisherOptions> publisher, CancellationToken ct) =>
        {
            var last = await Visible(session, time).OrderByDescending(p => p.CurrentReleaseDate).Select(p => p.CurrentReleaseDate).FirstOrDefaultAsync(ct);
            var p = publisher.Value;
            var metadata = new JsonObject
            {
                ["canonical_url"] = new Uri(records.Origin, ".well-known/csaf/provider-metadata.json").ToString(),
                ["distributions"] = new JsonArray(new JsonObject { ["directory_url"] = new Uri(records.Origin, ".well-known/csaf/white/").ToString() }),
                ["last_updated"] = CsafWriter.Date(last == default ? time.GetUtcNow() : last),
                ["list_on_CSAF_aggregators"] = true,
                ["metadata_version"] = "2.0",
                ["mirror_on_CSAF_aggregators"] = true,
                ["publisher"] = new JsonObject
                {
                    ["category"] = p.Category, ["name"] = p.Name, ["namespace"] = p.Namespace,
                    ["contact_details"] = p.ContactDetails, ["issuing_authority"] = p.IssuingAuthority,
                },
                ["role"] = "csaf_provider",
            };
            return Cached(http, Results.Text(metadata.ToJsonString(), "application/json"));
        }).WithName("CsafProviderMetadata");
        csaf.MapGet("/white/index.txt", async (HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        {
            var all = await Visible(session, time).OrderBy(p => p.Year).ThenBy(p => p.PublicId).Select(p => new { p.Year, p.PublicId }).ToListAsync(ct);
            return Cached(http, Results.Text(string.Concat(all.Select(a => $"{a.Year}/{a.PublicId.ToLowerInvariant()}.json\n")), "text/plain"));
        }).WithName("CsafIndex");
        csaf.MapGet("/white/changes.csv", async (HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        {
            var all = await Visible(session, time).OrderByDescending(p => p.CurrentReleaseDate).Select(p => new { p.Year, p.PublicId, p.CurrentReleaseDate }).ToListAsync(ct);
            return Cached(http, Results.Text(string.Concat(all.Select(a =>
                $"\"{a.Year}/{a.PublicId.ToLowerInvariant()}.json\",\"{CsafWriter.Date(a.CurrentReleaseDate)}\"\n")), "text/csv"));
        }).WithName("CsafChanges");
        csaf.MapGet("/white/", async (HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        {
            var years = await Visible(session, time).Select(p => p.Year).Distinct().ToListAsync(ct);
            return Html(http, Listing("/.well-known/csaf/white/", ["index.txt", "changes.csv", .. years.Order().Select(y => $"{y}/")]));
        }).WithName("CsafDirectory");
        csaf.MapGet("/white/{year:int}/", async (int year, HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        {
            var ids = await Visible(session, time).Where(p => p.Year == year).OrderBy(p => p.PublicId).Select(p => p.PublicId).ToListAsync(ct);
            if (ids.Count == 0) return NotFound(http);
            return Html(http, Listing($"/.well-known/csaf/white/{year}/", [.. ids.SelectMany(id => new[] { ".json", ".json.sha256", ".json.sha512" }
                .Select(suffix => id.ToLowerInvariant() + suffix))]));
        }).WithName("CsafYearDirectory");
        csaf.MapGet("/white/{year:int}/{file}", async (int year, string file, HttpContext http, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        {
            var (name, kind) = file.EndsWith(".json.sha256", StringComparison.Ordinal) ? (file[..^7], "sha256")
                : file.EndsWith(".json.sha512", StringComparison.Ordinal) ? (file[..^7], "sha512")
                : file.EndsWith(".json", StringComparison.Ordinal) ? (file, "json") : (file, "");
            if (kind.Length == 0 || name.Length > 40) return NotFound(http);
            var publicId = name[..^5].ToUpperInvariant();
            if (await FindAsync(session, time, publicId, ct) is not { } a || a.Year != year) return NotFound(http);
            return Cached(http, kind switch
            {
                "json" => Results.Text(a.Csaf, "application/json", Encoding.UTF8),
                "sha256" => Results.Text($"{a.CsafSha256}  {name}\n", "text/plain"),
                _ => Results.Text($"{a.CsafSha512}  {name}\n", "text/plain"),
            });
        }).WithName("CsafDocument");
    }

    /// <summary>The Atom feed: one entry per public revision (the first is the publication), newest first.</summary>
    private static async Task<IResult> FeedAsync(HttpContext http, IQuerySession session, TimeProvider time, PublicRecords records, CancellationToken ct)
    {
        var recent = await Visible(session, time).OrderByDescending(p => p.CurrentReleaseDate).Take(100).ToListAsync(ct);
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var entries = recent.SelectMany(a => a.Revisions.Select(r => (Advisory: a, Revision: r))).OrderByDescending(e => e.Revision.Date).Take(200).ToList();
        var feed = new XElement(atom + "feed",
            new XElement(atom + "id", new Uri(records.Origin, "advisories/feed.atom").ToString()),
            new XElement(atom + "title", "Security advisories"),
            new XElement(atom + "updated", (entries.Count > 0 ? entries[0].Revision.Date : time.GetUtcNow()).ToString("o", CultureInfo.InvariantCulture)),
            new XElement(atom + "link", new XAttribute("rel", "self"), new XAttribute("href", new Uri(records.Origin, "advisories/feed.atom").ToString())),
            entries.Select(e => new XElement(atom + "entry",
                new XElement(atom + "id", $"{new Uri(records.Origin, $"advisories/{e.Advisory.PublicId}")}#revision-{e.Revision.Number}"),
                new XElement(atom + "title", $"{e.Advisory.PublicId}: {e.Advisory.Content.Title}" + (e.Revision.Number == "1" ? "" : $" (revision {e.Revision.Number})")),
                new XElement(atom + "updated", e.Revision.Date.ToString("o", CultureInfo.InvariantCulture)),
                new XElement(atom + "link", new XAttribute("href", new Uri(records.Origin, $"advisories/{e.Advisory.PublicId}").ToString())),
                new XElement(atom + "summary", e.Revision.Summary),
                new XElement(atom + "author", new XElement(atom + "name", "Security team")))));
        return Cached(http, Results.Text(new XDocument(new XDeclaration("1.0", "utf-8", null), feed).ToString(), "application/atom+xml", Encoding.UTF8));
    }

    private static IQueryable<PublicAdvisory> Visible(IQuerySession session, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return session.Query<PublicAdvisory>().Where(p => p.VisibleFrom <= now);
    }

    private static Task<PublicAdvisory?> FindAsync(IQuerySession session, TimeProvider time, string publicId, CancellationToken ct) =>
        publicId.Length > 32 ? Task.FromResult<PublicAdvisory?>(null) : Visible(session, time).FirstOrDefaultAsync(p => p.PublicId == publicId, ct);

    private static string Listing(string path, IEnumerable<string> entries) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{path}</title></head><body><ul>"
        + string.Concat(entries.Select(e => $"<li><a href=\"{path}{System.Net.WebUtility.HtmlEncode(e)}\">{System.Net.WebUtility.HtmlEncode(e)}</a></li>")) + "</ul></body></html>";

    private static IResult Html(HttpContext http, string html)
    {
        http.Response.Headers.ContentSecurityPolicy = PublicPages.ContentSecurityPolicy.Replace("{style}", PublicPages.StyleHash, StringComparison.Ordinal);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Cached(http, Results.Content(html, "text/html; charset=utf-8"));
    }

    /// <summary>Public documents may be cached briefly (revisions show within a minute); nothing before the instant is (404s are not cached).</summary>
    private static IResult Cached(HttpContext http, IResult result)
    {
        http.Response.Headers.CacheControl = "public, max-age=60";
        http.Response.Headers.Vary = "Accept-Language";
        return result;
    }

    private static IResult NotFound(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "Not found", detail: "There is no such public document.");
    }
}
