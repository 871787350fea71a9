using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;
using Xunit.Abstractions;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The broker goes away under a running platform and comes back, no process killed
/// (<c>deploy/local/outage.sh</c>; <c>make outage</c> keeps it away 4 minutes, the test command 30 s):
/// every service is healthy again within 2 minutes with its relay caught up, and every report
/// submitted before, during and after the outage is triaged and receipted exactly once. Then the
/// same while the broker refuses the services' logins.
/// </summary>
[Trait("Category", "Outage")]
public sealed class OutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromMinutes(2);

    private static string Required(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run deploy/local/outage.sh.");

    private static TimeSpan Away => TimeSpan.FromSeconds(int.Parse(Required("VP_TEST_OUTAGE_AWAY")));

    [Fact]
    public async Task Every_service_recovers_by_itself_from_a_broker_away_and_a_broker_refusing_logins_and_no_report_is_lost_or_doubled()
    {
        var reports = new List<(string TrackingNumber, string Reporter)>();

        await OutageAsync("RabbitMQ stopped", reports, "stopped");
        await OutageAsync("RabbitMQ refusing the services' logins", reports, "refusing", Required("VP_TEST_BROKER_KEYS"));

        var analyst = await StaffAccounts.TokenAsync("analyst"); // after the outages: a token lives 10 minutes
        foreach (var (trackingNumber, reporter) in reports)
        {
            await Platform.OpenedCaseAsync(trackingNumber, analyst, TimeSpan.FromSeconds(60));
            Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Receipts(reporter, trackingNumber) > 0), TimeSpan.FromSeconds(60)),
                $"no receipt for {trackingNumber}");
        }
        // Every receipt went out; none twice (a repeat would be in the mail folder by now, behind the others).
        Assert.All(reports, r => Assert.Equal(1, Receipts(r.Reporter, r.TrackingNumber)));
        output.WriteLine($"{reports.Count} reports triaged and receipted exactly once");
    }

    /// <summary>
    /// One outage by the nemesis (<c>deploy/local/broker-outage.sh</c>, <paramref name="fault"/>), which
    /// keeps the broker away for the scenario's length and ends once it is back: reports before it, while
    /// every service says its bus is down, and once the nemesis says the broker is back.
    /// </summary>
    private async Task OutageAsync(string what, List<(string, string)> reports, string fault, params string[] more)
    {
        using var api = Platform.Client();
        for (var i = 0; i < 3; i++) reports.Add(await SubmitAsync(api, $"before: {what}"));

        using var nemesis = Start("deploy/local/broker-outage.sh", [fault, Away.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture), .. more]);
        var over = nemesis.WaitForExitAsync();
        output.WriteLine($"{what}: for {Away.TotalSeconds:F0} s");
        // While it lasts, reports are still accepted (Intake stores first, relays later), and the
        // platform says the bus is down: every service's readiness, and the gateway's with them.
        string[] seen = [];
        Assert.True(await Eventually.HoldsAsync(async () => (seen = await ReadinessAsync()).All(r => r.Contains("\"masstransit-bus\",\"status\":\"Unhealthy\"")
            || r.Contains("\"masstransit-bus\",\"status\":\"Degraded\"") || r.EndsWith("not answering", StringComparison.Ordinal)), TimeSpan.FromSeconds(60)),
            $"{what}: not every service reported its bus down:\n{string.Join("\n", seen)}");
        var gateway = await (await api.GetAsync("/health/ready")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"status\":\"Healthy\"", gateway[..Math.Min(gateway.Length, 30)]);
        for (var i = 0; i < 3; i++) reports.Add(await SubmitAsync(api, $"during: {what}"));
        Assert.False(over.IsCompleted, $"{what}: the broker was back before the reports meant for the outage were in");

        await over; // the broker is back
        Assert.True(nemesis.ExitCode == 0, $"{what}: the nemesis failed (exit {nemesis.ExitCode}): {await nemesis.StandardError.ReadToEndAsync()}");
        var back = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++) reports.Add(await SubmitAsync(api, $"after: {what}"));
        string[] last = [];
        var healthy = await Eventually.HoldsAsync(async () =>
        {
            last = await ReadinessAsync();
            // Healthy, and each relay caught up ("lag 0", perhaps with what it parked; Notification relays nothing).
            return last.All(r => r.StartsWith("{\"status\":\"Healthy\"", StringComparison.Ordinal)
                && (r.Contains("\"description\":\"lag 0") || r.Contains("publishes no integration events")));
        }, Recovery);
        Assert.True(healthy, $"{what}: not every service was healthy with its relay caught up within {Recovery}:\n{string.Join("\n", last)}");
        output.WriteLine($"{what}: every service healthy, relays caught up, {back.Elapsed.TotalSeconds:F0} s after the broker was back");
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await (await api.GetAsync("/health/ready")).Content.ReadAsStringAsync()).StartsWith("{\"status\":\"Healthy\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30)), "the gateway's readiness did not follow the services'");
    }

    private static async Task<(string, string)> SubmitAsync(HttpClient api, string when)
    {
        var reporter = $"outage.{Guid.NewGuid():N}@example.org";
        HttpResponseMessage? submitted = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            submitted = await api.PostAsJsonAsync("/api/reports", new
            {
                kind = "vulnerability", title = $"Path traversal in exports ({when})", description = "The file parameter walks out of the export folder.",
                product = new { vendor = "Us", name = "Portal", version = "5.3" }, thirdParty = false, stepsToReproduce = "/export?file=../../etc/passwd",
                impact = "Any file readable by the service.", reporter = new { name = "Outage Reporter", email = reporter, language = "en" },
            });
            return submitted.StatusCode == HttpStatusCode.Created;
        }, TimeSpan.FromSeconds(10)), $"a report was refused {when}: {(int?)submitted?.StatusCode}");
        return ((await submitted!.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString()!, reporter);
    }

    private static int Receipts(string reporter, string trackingNumber) =>
        Mail.To(reporter).Count(m => (m.TextBody ?? "").Contains(trackingNumber));

    private static async Task<string[]> ReadinessAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await Task.WhenAll(Required("VP_TEST_READINESS").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(async url =>
        {
            try
            {
                return await (await client.GetAsync(url)).Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return $"{url}: not answering";
            }
        }));
    }

    private static Process Start(string script, string[] args) =>
        Process.Start(new ProcessStartInfo("bash", [script, .. args])
        {
            WorkingDirectory = Required("VP_TEST_ROOT"), RedirectStandardOutput = false, RedirectStandardError = true,
        })!;
}
