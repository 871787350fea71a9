using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Vendor coordination through the platform with real accounts: a coordinator keeps the directory and
/// marks a report as concerning a third party; the case opens with the vendor suggested; the vendor's
/// security contact is e-mailed (Notification asks VendorCoordination with its own token) without the
/// reporter's identity; the vendor's account (bound to the organisation by Identity) sees the case,
/// acknowledges and reports it fixed; the reporter sees which organisation was told what.
/// </summary>
public sealed class CoordinationJourneyTests
{
    [Fact]
    public async Task A_third_party_report_reaches_the_vendor_without_the_reporter_and_the_vendor_reports_it_fixed()
    {
        using var api = Platform.Client();
        var coordinator = await StaffAccounts.TokenAsync("coordinator");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var contact = $"psirt.{suffix}@vendor.example";
        var registered = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/coordination/vendors", coordinator, JsonContent.Create(new
        {
            name = $"Router Maker {suffix}", products = new[] { new { name = $"HomeRouter {suffix}" } }, securityContacts = new[] { contact },
        })));
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var organisation = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var vendor = await StaffAccounts.TokenAsync("vendor", organisation);

        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "Command injection in the router's ping page", description = "The host field reaches a shell.",
            product = new { vendor = $"Router Maker {suffix}", name = $"HomeRouter {suffix}", version = "3.1" }, thirdParty = true,
            stepsToReproduce = "ping 127.0.0.1;id", impact = "Root on the router.",
            reporter = new { name = "Private Person", email = $"private.{suffix}@example.org", language = "en" },
        });
        var report = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var trackingNumber = report.GetProperty("trackingNumber").GetString()!;

        // Triage: acknowledge, then name the third party (coordinators work triage too).
        await Platform.CaseCommandAsync(trackingNumber, coordinator, "acknowledge", new { message = "Thank you; we are contacting the router's maker." });
        await Platform.CaseCommandAsync(trackingNumber, coordinator, "third-party", new { vendor = $"Router Maker {suffix}", product = $"HomeRouter {suffix}" });

        JsonElement opened = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator));
            if (response.StatusCode != HttpStatusCode.OK) return false;
            opened = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, TimeSpan.FromSeconds(30)), "the coordination case did not open");
        Assert.Contains(organisation, opened.GetProperty("products")[0].GetProperty("suggested").EnumerateArray().Select(s => s.GetGuid()));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator,
            JsonContent.Create(new { organisationId = organisation })))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify",
            coordinator, JsonContent.Create(new { summary = "Command injection in the ping page of HomeRouter 3.1 gives root." })))).StatusCode);

        // The vendor's security contact gets the notice, without the reporter (who did not consent).
        MimeKit.MimeMessage? notice = null;
        Assert.True(await Eventually.HoldsAsync(() =>
        {
            notice = Mail.To(contact).FirstOrDefault();
            return Task.FromResult(notice is not null);
        }, TimeSpan.FromSeconds(30)), "the vendor was not e-mailed");
        Assert.Contains(trackingNumber, notice!.Subject);
        Assert.Contains("Command injection in the ping page", notice.TextBody);
        Assert.DoesNotContain("Private Person", notice.TextBody + notice.HtmlBody);
        Assert.DoesNotContain($"private.{suffix}@example.org", notice.TextBody + notice.HtmlBody);

        // The vendor, signed in with an account Identity binds to the organisation, acknowledges and fixes.
        var mine = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/coordination/vendor/cases", vendor))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/acknowledge", vendor))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", vendor,
            JsonContent.Create(new { status = "fixed", fixedVersion = "3.1.1" })))).StatusCode);
        var final = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("fixed", final.GetProperty("vendors")[0].GetProperty("status").GetString());

        // The reporter sees which organisation was told, and what.
        JsonElement view = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}");
            status.Headers.Add("X-Follow-Up-Token", report.GetProperty("followUpToken").GetString());
            view = await (await api.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
            return view.GetProperty("sharedWithVendors").GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(30)), "the reporter's view does not show the notified vendor");
        Assert.Equal($"Router Maker {suffix}", view.GetProperty("sharedWithVendors")[0].GetProperty("organisation").GetString());

        // The relay: the vendor asks, the reporter reads it as from the organisation and answers it.
        var followUp = report.GetProperty("followUpToken").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages", vendor,
            JsonContent.Create(new { text = "Does the attack need the admin to be logged in?" })))).StatusCode);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            view = await ReporterViewAsync(api, trackingNumber, followUp);
            return view.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("from").GetString() == "vendor");
        }, TimeSpan.FromSeconds(30)), "the vendor's question did not reach the reporter");
        var answer = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{trackingNumber}/messages")
        {
            Content = JsonContent.Create(new { text = "No: the ping page needs no login.", toVendor = organisation }),
        };
        answer.Headers.Add("X-Follow-Up-Token", followUp);
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(answer)).StatusCode);
        JsonElement vendorView = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            vendorView = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", vendor)))
                .Content.ReadFromJsonAsync<JsonElement>();
            return vendorView.GetProperty("entry").GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("from").GetString() == "reporter");
        }, TimeSpan.FromSeconds(30)), "the reporter's answer did not reach the vendor");
        Assert.Equal(JsonValueKind.Null, vendorView.GetProperty("reporter").ValueKind);

        // The reporter allows their identity: the vendor's view names them now (VendorCoordination asks Intake with its own client credentials).
        var consent = new HttpRequestMessage(HttpMethod.Put, $"/api/reports/{trackingNumber}/consent")
        {
            Content = JsonContent.Create(new { shareIdentityWithVendor = true, publicCredit = false }),
        };
        consent.Headers.Add("X-Follow-Up-Token", followUp);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(consent)).StatusCode);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            vendorView = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", vendor)))
                .Content.ReadFromJsonAsync<JsonElement>();
            return vendorView.GetProperty("reporter").ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30)), "the consented identity did not reach the vendor's view");
        Assert.Equal("Private Person", vendorView.GetProperty("reporter").GetProperty("name").GetString());
    }

    private static async Task<JsonElement> ReporterViewAsync(HttpClient api, string trackingNumber, string followUpToken)
    {
        var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}");
        status.Headers.Add("X-Follow-Up-Token", followUpToken);
        return await (await api.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
    }
}
