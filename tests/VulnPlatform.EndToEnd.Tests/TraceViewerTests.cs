using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// What an operator sees in the local trace viewer that `make up` starts (the Aspire Dashboard): one
/// submitted report is one trace, from the gateway through Intake, the relay and the bus to Triage and
/// Notification — and nothing in it names the reporter or carries their follow-up token.
/// </summary>
public sealed class TraceViewerTests
{
    [Fact]
    public async Task A_submitted_report_is_one_trace_from_the_gateway_through_the_bus_to_triage_and_notification()
    {
        var viewer = new Uri(Environment.GetEnvironmentVariable("VP_TEST_TRACE_VIEWER")
            ?? throw new InvalidOperationException("VP_TEST_TRACE_VIEWER is not set: run the end-to-end tests with `make test`."));
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var email = $"traced.{traceId[..8]}@researcher.example";
        using var api = Platform.Client();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports")
        {
            Content = JsonContent.Create(new
            {
                title = "A traced report", description = "Followed through the platform.", kind = "vulnerability",
                product = new { vendor = "Acme", name = "Shop" }, thirdParty = false, stepsToReproduce = "Steps.", impact = "Impact.",
                reporter = new { name = "Trace Reporter", email },
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        var submitted = await api.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var token = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("followUpToken").GetString()!;

        using var dashboard = new HttpClient { BaseAddress = viewer };
        string trace = "";
        var wanted = new[] { "VulnPlatform.Gateway", "VulnPlatform.Intake", "VulnPlatform.Triage", "VulnPlatform.Notification" };
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
            if (!response.IsSuccessStatusCode) return false;
            trace = await response.Content.ReadAsStringAsync();
            return wanted.All(service => Services(trace).Contains(service))
                && trace.Contains("notification.report-submitted process", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60)), $"the trace does not reach every service: {string.Join(", ", Services(trace))}");

        Assert.DoesNotContain(email, trace);
        Assert.DoesNotContain("Trace Reporter", trace);
        Assert.DoesNotContain(token, trace);
    }

    private static HashSet<string> Services(string trace)
    {
        if (trace.Length == 0) return [];
        using var document = JsonDocument.Parse(trace);
        return document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
            .SelectMany(r => r.GetProperty("resource").GetProperty("attributes").EnumerateArray())
            .Where(a => a.GetProperty("key").GetString() == "service.name")
            .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()!)
            .ToHashSet();
    }
}
