extern alias disclosure;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VulnPlatform.Testing;
using Advisory = disclosure::VulnPlatform.Disclosure.Advisories.Advisory;
using AdvisoryContent = disclosure::VulnPlatform.Disclosure.Advisories.AdvisoryContent;
using AdvisoryRevision = disclosure::VulnPlatform.Disclosure.Advisories.AdvisoryRevision;
using CaseFacts = disclosure::VulnPlatform.Disclosure.Facts.CaseFacts;
using DisclosureProgram = disclosure::Program;
using ProductEntry = disclosure::VulnPlatform.Disclosure.Advisories.ProductEntry;
using PublicationTime = disclosure::VulnPlatform.Disclosure.Publication.PublicationTime;
using PublicRecords = disclosure::VulnPlatform.Disclosure.Publication.PublicRecords;
using PublisherOptions = disclosure::VulnPlatform.Disclosure.Csaf.PublisherOptions;

/// <summary>
/// `make bench-disclosure`: (1) the CSAF document (with its SHA-256 and SHA-512) of an advisory with 200
/// products, generated 200 times; (2) over repeated runs, the time from a 10-advisory set's publication
/// instant until the last of its 10 pages answers 200 (pollers asking every 2 ms from before the instant),
/// with one Disclosure instance on the real PostgreSQL and RabbitMQ.
/// </summary>
static class DisclosureBench
{
    public static async Task<int> RunAsync(int runs)
    {
        Csaf();
        await PublicationAsync(runs);
        return 0;
    }

    private static void Csaf()
    {
        var records = new PublicRecords(Options.Create(new PublisherOptions()),
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PublicOrigin"] = "https://security.example.com" }).Build());
        var products = Enumerable.Range(1, 200).Select(i => new ProductEntry($"Vendor {i % 7}", $"Product {i}", $"{i}.0", i % 3 == 0 ? "known_not_affected" : "known_affected",
            i % 3 == 0 ? null : $"{i}.0.1", i % 3 == 0 ? "vulnerable_code_not_in_execute_path" : null, $"pkg:maven/com.example/product-{i}")).ToList();
        var at = DateTimeOffset.UtcNow;
        var advisory = new Advisory
        {
            Id = Guid.NewGuid(), PublicId = "VP-2026-0001", SetId = Guid.NewGuid(), TrackingNumber = "VR-2026-000001", DraftedAt = at, UpdatedAt = at,
            Revisions = [new AdvisoryRevision(1, "Drafted.", at, null)],
            Content = new AdvisoryContent("Two hundred products", "A flaw in a shared library.", "CWE-79", "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1m, "Medium", "Update.", products, ["CVE-2026-1000"], "Credit", [], []),
        };
        var time = new PublicationTime(at, "UTC", "");
        for (var i = 0; i < 20; i++) records.Build(advisory, time, "Credit", at); // warm-up
        var latencies = new List<double>();
        var size = 0;
        for (var i = 0; i < 200; i++)
        {
            var watch = Stopwatch.StartNew();
            size = records.Build(advisory, time, "Credit", at).Csaf.Length;
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        Console.WriteLine($"disclosure: CSAF document of an advisory with 200 products ({size / 1024} KiB, with SHA-256 and SHA-512), 200 times: " +
            $"p50 {latencies[100]:F2} ms  p99 {latencies[198]:F2} ms");
    }

    private static async Task PublicationAsync(int runs)
    {
        var tokens = new TestTokens("https://localhost:8443/");
        // The service's content root (a test project finds it through its manifest; this program says where it is).
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !Directory.Exists(Path.Combine(root.FullName, "services", "Disclosure"))) root = root.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_VULNPLATFORM_DISCLOSURE", Path.Combine(root!.FullName, "services", "Disclosure"));
        await using var intake = await IntakeContactServer.StartAsync(tokens, "disclosure");
        await using var service = await ServiceInstances<DisclosureProgram>.StartAsync("disclosure_bench", 1, TimeProvider.System, tokens,
            new Dictionary<string, string>(intake.Settings("Disclosure:Client"))
            {
                ["Disclosure:Publication:PollInterval"] = "00:00:01", ["Encryption:ActiveKeyId"] = "bench",
                ["Encryption:Keys:bench"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            });
        var instance = service.Instances[0];
        var client = instance.CreateClient();
        var coordinator = tokens.Person(Guid.NewGuid(), "coordinator");
        var store = instance.Services.GetRequiredService<IDocumentStore>();
        var latencies = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var reportId = Guid.CreateVersion7();
            var trackingNumber = $"VR-B-{run:D6}-{Random.Shared.Next(1000, 9999)}";
            await using (var session = store.LightweightSession())
            {
                session.Store(new CaseFacts { Id = reportId, TrackingNumber = trackingNumber, Title = $"Benchmark {run}", Description = "A flaw." });
                await session.SaveChangesAsync();
            }
            var ids = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                var drafted = await client.SendAsync(Request(HttpMethod.Post, "/api/advisories", coordinator, new { trackingNumber }));
                var draft = await drafted.Content.ReadFromJsonAsync<JsonElement>();
                ids.Add(draft.GetProperty("publicId").GetString()!);
                // Read and saved, as a coordinator must before scheduling (the title and summary are the reporter's words).
                await client.SendAsync(Request(HttpMethod.Put, $"/api/advisories/{ids[^1]}", coordinator, draft.GetProperty("content")));
            }
            // The instant: the next whole second at least 1.5 s away.
            var now = DateTimeOffset.UtcNow.AddMilliseconds(1500);
            var instant = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(1);
            var scheduled = await client.SendAsync(Request(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, new
            {
                date = instant.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), time = instant.ToString("HH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC",
                overrideReason = "Benchmark: published within seconds.",
            }));
            if (scheduled.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException(await scheduled.Content.ReadAsStringAsync());
            var reachable = await Task.WhenAll(ids.Select(async id =>
            {
                while (true)
                {
                    var response = await client.GetAsync($"/advisories/{id}");
                    if (response.StatusCode == HttpStatusCode.OK) return DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow < instant.AddMilliseconds(-1) && response.StatusCode != HttpStatusCode.NotFound) throw new InvalidOperationException("unexpected answer");
                    await Task.Delay(2);
                }
            }));
            if (reachable.Min() < instant) throw new InvalidOperationException("an advisory was reachable before its instant");
            latencies.Add((reachable.Max() - instant).TotalMilliseconds);
        }
        latencies.Sort();
        Console.WriteLine($"disclosure: publication instant -> last of a 10-advisory set reachable, {runs} runs: " +
            $"p50 {latencies[latencies.Count / 2]:F1} ms  p99 {latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1]:F1} ms  (max {latencies[^1]:F1} ms)");
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }
}
