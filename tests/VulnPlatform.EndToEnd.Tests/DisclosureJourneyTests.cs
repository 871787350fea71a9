using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Coordinated disclosure through the platform with real accounts: a coordinator drafts the advisory of
/// a reported vulnerability, adds a customer contact and schedules publication a few seconds ahead; the
/// customer gets the embargoed pre-notice (Notification asks Disclosure with its own token), nothing is
/// public until the instant, then the page and the CSAF document are, the reporter gets the public notice
/// and their status view says disclosed.
/// </summary>
public sealed class DisclosureJourneyTests
{
    [Fact]
    public async Task A_scheduled_advisory_is_pre_noticed_embargoed_then_public_and_the_reporter_is_told()
    {
        using var api = Platform.Client();
        var coordinator = await StaffAccounts.TokenAsync("coordinator");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var reporterEmail = $"reporter.{suffix}@example.org";
        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = $"Open redirect in the login page {suffix}", description = "The next parameter is not checked.",
            product = new { vendor = "Us", name = "Portal", version = "5.2" }, thirdParty = false, stepsToReproduce = "/login?next=https://evil.example", impact = "Phishing.",
            reporter = new { name = "Disclosed Reporter", email = reporterEmail, language = "en" },
        });
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());
        var report = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var trackingNumber = report.GetProperty("trackingNumber").GetString()!;
        var customerEmail = $"ops.{suffix}@customer.example";
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/advisories/customers", coordinator,
            JsonContent.Create(new { organisation = $"Customer {suffix}", email = customerEmail })))).StatusCode);

        var id = await DraftAdvisoryAsync(api, coordinator, trackingNumber);

        var at = DateTimeOffset.UtcNow.AddSeconds(8);
        var scheduled = await api.SendAsync(Requests.Bearer(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, JsonContent.Create(new
        {
            date = at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), time = at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            timeZone = "UTC", overrideReason = "The test publishes within seconds: shorter than the customers' pre-notice lead.",
        })));
        Assert.True(scheduled.StatusCode == HttpStatusCode.OK, await scheduled.Content.ReadAsStringAsync());
        var instant = (await scheduled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("time").GetProperty("instant").GetDateTimeOffset();

        // Before the instant: the customer has the embargoed pre-notice, the public has nothing.
        var mailDir = Environment.GetEnvironmentVariable("VP_TEST_MAIL_DIR")
            ?? throw new InvalidOperationException("VP_TEST_MAIL_DIR is not set: run the end-to-end tests with `make test`.");
        MimeKit.MimeMessage? preNotice = null;
        Assert.True(await Eventually.HoldsAsync(() =>
        {
            preNotice = Mails(mailDir).FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == customerEmail));
            return Task.FromResult(preNotice is not null);
        }, TimeSpan.FromSeconds(30)), "the customer got no pre-notice");
        Assert.StartsWith("[EMBARGOED", preNotice!.Subject);
        Assert.Contains(id, preNotice.TextBody);
        if (DateTimeOffset.UtcNow < instant.AddMilliseconds(-500))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/advisories/{id}")).StatusCode);
            Assert.DoesNotContain(id, await api.GetStringAsync("/advisories"), StringComparison.OrdinalIgnoreCase);
        }

        // After it: public through the gateway, without signing in; the reporter is told and sees it disclosed.
        Assert.True(await Eventually.HoldsAsync(async () => (await api.GetAsync($"/advisories/{id}")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        Assert.True(DateTimeOffset.UtcNow >= instant, "the advisory was public before its instant");
        var csaf = await api.GetAsync($"/.well-known/csaf/white/{instant.Year}/{id.ToLowerInvariant()}.json");
        Assert.Equal(HttpStatusCode.OK, csaf.StatusCode);
        Assert.Contains(id.ToLowerInvariant(), await api.GetStringAsync("/.well-known/csaf/white/index.txt"));
        Assert.Contains("Acknowledgments: https://localhost:", await api.GetStringAsync("/.well-known/security.txt"));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Mails(mailDir).Any(m => m.To.Mailboxes.Any(b => b.Address == reporterEmail)
            && m.Subject?.Contains("now public") == true)), TimeSpan.FromSeconds(30)), "the reporter was not sent the public notice");
        JsonElement view = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}");
            status.Headers.Add("X-Follow-Up-Token", report.GetProperty("followUpToken").GetString());
            view = await (await api.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
            return view.GetProperty("status").GetString() == "disclosed";
        }, TimeSpan.FromSeconds(30)), "the reporter's view does not say disclosed");
        Assert.Equal(id, view.GetProperty("advisories")[0].GetProperty("id").GetString());
    }

    /// <summary>The coordinator drafts the case's advisory as soon as the report has reached Disclosure, and reviews it: its public id.</summary>
    public static async Task<string> DraftAdvisoryAsync(HttpClient api, string coordinator, string trackingNumber)
    {
        JsonElement draft = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/advisories", coordinator, JsonContent.Create(new { trackingNumber })));
            if (response.StatusCode != HttpStatusCode.Created) return false;
            draft = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, TimeSpan.FromSeconds(30)), "the report did not reach Disclosure");
        var id = draft.GetProperty("publicId").GetString()!;
        // The title and summary are the reporter's own words: read and saved before the set may be scheduled.
        var saved = await api.SendAsync(Requests.Bearer(HttpMethod.Put, $"/api/advisories/{id}", coordinator, JsonContent.Create(draft.GetProperty("content"))));
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        return id;
    }

    private static IEnumerable<MimeKit.MimeMessage> Mails(string folder) =>
        (Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : []).Select(f => MimeKit.MimeMessage.Load(f));
}
