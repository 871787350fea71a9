using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Disclosure.Publication;
using VulnPlatform.Testing;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>
/// The CNA adapter against a local HTTP server that answers as the CVE Services API documents: a CVE id
/// reserved for an advisory, and at publication the record's CNA container sent for that id.
/// </summary>
public sealed class CveTests : IAsyncLifetime
{
    private const string OrgId = "6dda929c-bb53-4a77-a76d-48e79601a1ce";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly TestTokens _tokens = new("https://localhost:8443/");
    private readonly ConcurrentQueue<(string Method, string Path, JsonElement? Body)> _calls = new();
    private WebApplication _cveServices = null!;
    private ServiceInstances<Program> _service = null!;
    private IntakeContactServer _intake = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _cveServices = builder.Build();
        _cveServices.Use(async (context, next) =>
        {
            // Every CVE Services request is authenticated by these three headers.
            if (context.Request.Headers["CVE-API-ORG"] != "example" || context.Request.Headers["CVE-API-USER"] != "cna@example.com"
                || context.Request.Headers["CVE-API-KEY"] != "secret-key")
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsJsonAsync(new { error = "UNAUTHORIZED", message = "Unauthorized" });
                return;
            }
            await next();
        });
        _cveServices.MapPost("/api/cve-id", (HttpRequest request) =>
        {
            _calls.Enqueue(("POST", "/api/cve-id" + request.QueryString, null));
            if (request.Query["amount"] != "1" || request.Query["short_name"] != "example" || !int.TryParse(request.Query["cve_year"], out var year))
            {
                return Results.BadRequest(new { error = "BAD_INPUT", message = "Parameters were invalid" });
            }
            return Results.Ok(new
            {
                cve_ids = new[] { new { cve_id = $"CVE-{year}-50001", cve_year = year.ToString(), owning_cna = "example", state = "RESERVED",
                    requested_by = new { cna = "example", user = "cna@example.com" }, reserved = "2026-11-02T09:00:00.000Z" } },
                meta = new { remaining_quota = 99 },
            });
        });
        _cveServices.MapPost("/api/cve/{id}/cna", async (string id, HttpRequest request) =>
        {
            var body = await request.ReadFromJsonAsync<JsonElement>();
            _calls.Enqueue(("POST", $"/api/cve/{id}/cna", body));
            if (!body.TryGetProperty("cnaContainer", out var container))
            {
                return Results.BadRequest(new { error = "BAD_INPUT", message = "cnaContainer is required" });
            }
            return Results.Ok(new { created = new { cveMetadata = new { cveId = id, state = "PUBLISHED" }, containers = new { cna = container } },
                message = $"{id} record was successfully created." });
        });
        await _cveServices.StartAsync();
        var address = _cveServices.Urls.First();
        _intake = await IntakeContactServer.StartAsync(_tokens, "disclosure");
        _service = await ServiceInstances<Program>.StartAsync("disclosure_cve_test", 1, _clock, _tokens,
            new Dictionary<string, string>(DisclosureSettings.With(_intake))
            {
                ["Disclosure:Publication:PollInterval"] = Watches.OnlyAtStart, ["Disclosure:Cve:ServicesUrl"] = address + "/api/", ["Disclosure:Cve:ShortName"] = "example",
                ["Disclosure:Cve:User"] = "cna@example.com", ["Disclosure:Cve:ApiKey"] = "secret-key", ["Disclosure:Cve:OrgId"] = OrgId,
            });
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _cveServices.DisposeAsync();
        await _intake.DisposeAsync();
    }

    [Fact]
    public async Task A_reserved_CVE_id_joins_the_advisory_and_its_record_is_published_with_the_advisory()
    {
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        var at = _clock.GetUtcNow();
        await RawPublisher.PublishAsync(_service.Servers, new ReportSubmitted(reportId, trackingNumber, ReportKinds.Vulnerability, "SQL injection in search",
            "The q parameter reaches SQL.", new AffectedProduct("Example", "Shop", "4.2"), false, null, null, "CWE-89", true, Actor.AnonymousReporter, at));
        await RawPublisher.PublishAsync(_service.Servers, new CaseAssessed(reportId, reportId, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5m, "High", "CWE-89",
            new Actor(ActorKinds.Staff, "a"), at));
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var client = _service.Instances[0].CreateClient();
        // The report and its assessment travel on different queues: draft once both are there.
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
            return await session.LoadAsync<Facts.CaseFacts>(reportId) is { Title.Length: > 0, BaseScore: not null };
        }, TimeSpan.FromSeconds(30)), "the case's facts did not reach Disclosure");
        HttpResponseMessage drafted = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            drafted = await client.SendAsync(Request(HttpMethod.Post, "/api/advisories", coordinator, new { trackingNumber }));
            return drafted.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(30)));
        var draft = await drafted.Content.ReadFromJsonAsync<JsonElement>();
        var id = draft.GetProperty("publicId").GetString()!;
        // The coordinator reads the draft (the reporter's own words) and saves it.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Request(HttpMethod.Put, $"/api/advisories/{id}", coordinator, draft.GetProperty("content")))).StatusCode);

        var reserved = await client.SendAsync(Request(HttpMethod.Post, $"/api/advisories/{id}/cve-ids", coordinator, null));
        Assert.True(reserved.StatusCode == HttpStatusCode.OK, await reserved.Content.ReadAsStringAsync());
        Assert.Equal("CVE-2026-50001", (await reserved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cveId").GetString());
        Assert.Contains(_calls, c => c.Path == "/api/cve-id?cve_year=2026&amount=1&short_name=example");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Request(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-06", time = "09:00", timeZone = "UTC" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/advisories/{id}/cve/CVE-2026-50001.json")).StatusCode);
        Assert.DoesNotContain(_calls, c => c.Path.StartsWith("/api/cve/", StringComparison.Ordinal));
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 6, 9, 0, 0, TimeSpan.Zero));
        await _service.Instances[0].Services.GetRequiredService<PublicationWatch>().RunOnceAsync(CancellationToken.None);

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_calls.Any(c => c.Path == "/api/cve/CVE-2026-50001/cna")), TimeSpan.FromSeconds(30)),
            "the record was not sent to CVE Services");
        var container = _calls.Single(c => c.Path == "/api/cve/CVE-2026-50001/cna").Body!.Value.GetProperty("cnaContainer");
        CveSchema.AssertValidCnaContainer(System.Text.Json.Nodes.JsonNode.Parse(container.GetRawText())!);
        Assert.Equal(OrgId, container.GetProperty("providerMetadata").GetProperty("orgId").GetString());
        Assert.Equal("The q parameter reaches SQL.", container.GetProperty("descriptions")[0].GetProperty("value").GetString());
        Assert.Equal("Example", container.GetProperty("affected")[0].GetProperty("vendor").GetString());
        Assert.Equal("CWE-89", container.GetProperty("problemTypes")[0].GetProperty("descriptions")[0].GetProperty("cweId").GetString());
        Assert.Equal(7.5, container.GetProperty("metrics")[0].GetProperty("cvssV3_1").GetProperty("baseScore").GetDouble());
        Assert.Equal("2026-11-06T09:00:00.000Z", container.GetProperty("datePublic").GetString());
        var published = await client.GetAsync($"/advisories/{id}/cve/CVE-2026-50001.json");
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var record = System.Text.Json.Nodes.JsonNode.Parse(await published.Content.ReadAsStringAsync())!;
        CveSchema.AssertValidRecord(record);
        Assert.Equal("CVE-2026-50001", record["cveMetadata"]!["cveId"]!.GetValue<string>());
        Assert.Equal("The q parameter reaches SQL.", record["containers"]!["cna"]!["descriptions"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/advisories/{id}/cve/CVE-2026-99999.json")).StatusCode);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }
}
