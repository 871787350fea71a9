extern alias triage;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Npgsql;
using OtpNet;
using VulnPlatform.ServiceDefaults.Persistence;
using TriageModule = triage::VulnPlatform.Triage.TriageModule;
using BusinessCalendar = VulnPlatform.ServiceDefaults.Calendar.BusinessCalendar;
using BusinessCalendarOptions = VulnPlatform.ServiceDefaults.Calendar.BusinessCalendarOptions;
using SlaOptions = triage::VulnPlatform.Triage.Sla.SlaOptions;

/// <summary>
/// `make bench-web`: the web client in Debian's Chromium against the bench platform, with N triage
/// cases in its database — time to first byte and page weight of the report form (anonymous) and of
/// the staff queue (an analyst signed in), and Chromium's Largest Contentful Paint for both.
/// </summary>
static class WebBench
{
    private const int Rounds = 20;

    public static async Task<int> RunAsync(BenchOptions options, int cases)
    {
        var watch = Stopwatch.StartNew();
        await SeedTriageAsync(options, cases);
        Console.WriteLine($"web: {cases} triage cases seeded in {watch.Elapsed.TotalSeconds:F1} s");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VP_TEST_CHROMIUM") ?? "/usr/bin/chromium", Headless = true,
        });

        await using (var anonymous = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "en-GB" }))
        {
            var page = await anonymous.NewPageAsync();
            Print("report form (/report, anonymous)", await MeasureAsync(page, new Uri(options.Gateway, "/report")));
        }

        await using (var staff = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "en-GB" }))
        {
            var page = await staff.NewPageAsync();
            await SignInAnalystAsync(browser, page, options);
            Print($"staff queue (/staff, {cases} cases)", await MeasureAsync(page, new Uri(options.Gateway, "/staff")));
        }
        return 0;
    }

    private sealed record Figures(List<double> FirstByte, List<double> Lcp, long Bytes, long DocumentBytes, int Requests);

    private static void Print(string what, Figures f)
    {
        f.FirstByte.Sort();
        f.Lcp.Sort();
        Console.WriteLine($"web: {what}: time to first byte p50 {f.FirstByte[f.FirstByte.Count / 2]:F1} ms  p99 {f.FirstByte[^1]:F1} ms; " +
            $"largest contentful paint p50 {f.Lcp[f.Lcp.Count / 2]:F0} ms  p99 {f.Lcp[^1]:F0} ms; " +
            $"page weight {f.Bytes / 1024d:F1} KiB in {f.Requests} requests (document {f.DocumentBytes / 1024d:F1} KiB; bodies as sent, cached or not)");
    }

    /// <summary>Navigation timing and LCP over <see cref="Rounds"/> loads after a first one, which gives the page weight.</summary>
    private static async Task<Figures> MeasureAsync(IPage page, Uri url)
    {
        var firstByte = new List<double>();
        var lcp = new List<double>();
        long bytes = 0, documentBytes = 0;
        var requests = 0;
        for (var round = 0; round < Rounds + 1; round++)
        {
            await page.GotoAsync(url.AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            var timing = await page.EvaluateAsync<JsonElement>(@"() => new Promise(resolve => {
                const nav = performance.getEntriesByType('navigation')[0];
                const resources = performance.getEntriesByType('resource');
                new PerformanceObserver(list => {
                    const entries = list.getEntries();
                    resolve({
                        ttfb: nav.responseStart - nav.requestStart,
                        lcp: entries[entries.length - 1].startTime,
                        document: nav.encodedBodySize,
                        bytes: nav.encodedBodySize + resources.reduce((sum, r) => sum + r.encodedBodySize, 0),
                        requests: 1 + resources.length,
                    });
                }).observe({ type: 'largest-contentful-paint', buffered: true });
            })");
            if (round == 0)
            {
                bytes = timing.GetProperty("bytes").GetInt64();
                documentBytes = timing.GetProperty("document").GetInt64();
                requests = timing.GetProperty("requests").GetInt32();
                continue; // weighed, not timed
            }
            firstByte.Add(timing.GetProperty("ttfb").GetDouble());
            lcp.Add(timing.GetProperty("lcp").GetDouble());
        }
        return new Figures(firstByte, lcp, bytes, documentBytes, requests);
    }

    private static async Task SeedTriageAsync(BenchOptions options, int cases)
    {
        var builder = Host.CreateApplicationBuilder();
        var database = new NpgsqlConnectionStringBuilder { Host = options.PgHost, Port = options.PgPort, Username = "postgres", Database = "vp_triage_bench" }.ConnectionString;
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = database, ["Marten:DaemonMode"] = "Disabled", ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddMartenDefaults(store => TriageModule.ConfigureStore(store, new BusinessCalendar(new BusinessCalendarOptions()), new SlaOptions()));
        using var host = builder.Build();
        await host.StartAsync();
        await TriageQueueBench.SeedAsync(host.Services.GetRequiredService<Marten.IDocumentStore>(), cases);
        await host.StopAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await new NpgsqlCommand("vacuum analyze", connection).ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The development admin creates an analyst on the accounts page; the analyst signs in, enrols an
    /// authenticator (its secret read from the page, the code computed here) and lands on the queue.
    /// </summary>
    private static async Task SignInAnalystAsync(IBrowser browser, IPage page, BenchOptions options)
    {
        var keys = Path.Combine(options.RunDirectory, "keys");
        var adminPassword = (await File.ReadAllTextAsync(Path.Combine(keys, "dev-admin-password"))).Trim();
        var adminSecret = (await File.ReadAllTextAsync(Path.Combine(keys, "dev-admin-totp"))).Trim();
        await using var adminContext = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "en-GB" });
        var admin = await adminContext.NewPageAsync();
        await admin.GotoAsync(new Uri(options.Gateway, "/signin?returnUrl=%2Fadmin%2Faccounts").AbsoluteUri);
        await admin.FillAsync("#email", "admin@vulnplatform.local");
        await admin.FillAsync("#password", adminPassword);
        await admin.ClickAsync("button[type=submit]");
        await admin.FillAsync("#code", new Totp(Base32Encoding.ToBytes(adminSecret)).ComputeTotp());
        await admin.ClickAsync("button[type=submit]");
        await admin.WaitForURLAsync("**/admin/accounts");
        var email = $"bench.analyst.{Guid.NewGuid():N}@example.org";
        await admin.FillAsync("#new-email", email);
        await admin.SelectOptionAsync("#new-role", "analyst");
        await admin.ClickAsync("form:has(#new-email) button[type=submit]");
        var password = (await admin.TextContentAsync("#initial-password"))!.Trim();

        await page.GotoAsync(new Uri(options.Gateway, "/signin?returnUrl=%2Fstaff").AbsoluteUri);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        var secret = (await page.TextContentAsync(".secret"))!.Trim();
        await page.FillAsync("#code", new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp());
        await page.ClickAsync("button[type=submit]");
        await page.ClickAsync("a.button");
        await page.WaitForURLAsync("**/staff");
    }
}
