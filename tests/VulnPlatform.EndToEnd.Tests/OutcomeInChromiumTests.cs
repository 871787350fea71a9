using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The policy's promise, through the whole platform: a report found not to be a vulnerability tells its
/// anonymous reporter so and why, a valid one gives the result, the plan and its dates — on the portal
/// page, in English and in Simplified Chinese.
/// </summary>
public sealed class OutcomeInChromiumTests(WebClient web) : IClassFixture<WebClient>
{
    [Fact]
    public async Task An_anonymous_reporter_reads_on_the_portal_that_their_report_is_not_a_vulnerability_and_why_in_both_languages()
    {
        var (trackingNumber, token) = await SubmitAsync("Verbose error page on 404");
        var analyst = await StaffAccounts.TokenAsync("analyst");
        await Platform.CaseCommandAsync(trackingNumber, analyst, "acknowledge", new { message = "Thank you, we are looking at it." });
        await Platform.CaseCommandAsync(trackingNumber, analyst, "reject", new { reason = "informative", explanation = "The page names the framework only; nothing is exposed." });
        await StatusWhenAsync(trackingNumber, token, v => v.GetProperty("result").ValueKind == JsonValueKind.Object);

        var english = await PortalAsync(trackingNumber, token, "en-GB");
        Assert.Contains("concluded that this is not a vulnerability to fix", english);
        Assert.Contains("it is informative: useful to know, but no vulnerability to fix.", english);
        Assert.Contains("nothing is exposed", english);
        var chinese = await PortalAsync(trackingNumber, token, "zh-CN");
        Assert.Contains("认定这不是需要修复的漏洞", chinese);
        Assert.Contains("仅供参考：信息有用，但不是需要修复的漏洞。", chinese);
        Assert.DoesNotContain("informative", chinese);

        // The messages sent about the report are on the portal too, in the reader's language.
        var inbox = await InboxAsync(trackingNumber, token, "en-GB", "The result of our investigation");
        Assert.Contains("Your report was acknowledged", inbox);
        Assert.Contains("The page names the framework only; nothing is exposed.", inbox);
        var inboxZh = await InboxAsync(trackingNumber, token, "zh-CN", "我们的调查结果");
        Assert.Contains("您的报告已被确认", inboxZh);
        Assert.DoesNotContain("The result of our investigation", inboxZh);
    }

    /// <summary>The portal's "what we sent you" section once it holds <paramref name="subject"/> (Notification stores the messages as they go out).</summary>
    private async Task<string> InboxAsync(string trackingNumber, string token, string locale, string subject)
    {
        // The message itself stored by Notification (its inbox API, as the portal reads it), then the page once.
        using var api = Platform.Client();
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/inbox/reports/{trackingNumber}");
            request.Headers.Add("X-Follow-Up-Token", token);
            request.Headers.AcceptLanguage.ParseAdd(locale);
            using var response = await api.SendAsync(request);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains(subject);
        }, TimeSpan.FromSeconds(30)), $"no message '{subject}' was stored for the report");
        await using var watched = await FollowUpAsync(trackingNumber, token, locale, "section.inbox");
        Assert.Contains(subject, await watched.Page.TextContentAsync("section.inbox"));
        foreach (var summary in await watched.Page.Locator("section.inbox summary").AllAsync()) await summary.ClickAsync();
        await watched.AssertCleanAsync();
        return (await watched.Page.TextContentAsync("section.inbox"))!;
    }

    [Fact]
    public async Task A_valid_finding_shows_its_confirmation_plan_and_dates_on_the_portal_in_both_languages()
    {
        var (trackingNumber, token) = await SubmitAsync("SQL injection in the export filter");
        var analyst = await StaffAccounts.TokenAsync("analyst");
        await Platform.CaseCommandAsync(trackingNumber, analyst, "acknowledge", new { message = "Thank you, we are looking at it." });
        await Platform.CaseCommandAsync(trackingNumber, analyst, "validate", new { explanation = "Reproduced on 2.0." });
        await Platform.CaseCommandAsync(trackingNumber, analyst, "plan", new { plan = "A parameterised query ships in 2.1.", targetFixDate = "2027-01-20", proposedDisclosureDate = "2027-02-17" });
        await StatusWhenAsync(trackingNumber, token, v => v.GetProperty("plan").ValueKind == JsonValueKind.Object);

        var english = await PortalAsync(trackingNumber, token, "en-GB");
        Assert.Contains("the security team confirmed the vulnerability", english);
        Assert.Contains("A parameterised query ships in 2.1.", english);
        Assert.Contains("20 January 2027", english);
        Assert.Contains("17 February 2027", english);
        Assert.Contains("Fix planned", english);
        var chinese = await PortalAsync(trackingNumber, token, "zh-CN");
        Assert.Contains("核实该漏洞", chinese);
        Assert.Contains("2027年1月20日", chinese);
        Assert.Contains("2027年2月17日", chinese);
        Assert.Contains("已制定修复计划", chinese);
    }

    private async Task<string> PortalAsync(string trackingNumber, string token, string locale)
    {
        await using var watched = await FollowUpAsync(trackingNumber, token, locale, "section.outcome");
        await watched.AssertCleanAsync();
        return (await watched.Page.TextContentAsync("main"))!;
    }

    /// <summary>The portal's status page of the report, in <paramref name="locale"/>, once <paramref name="selector"/> is on it.</summary>
    private async Task<WatchedPage> FollowUpAsync(string trackingNumber, string token, string locale, string selector)
    {
        var watched = await web.OpenAsync(locale: locale);
        await watched.GotoAsync($"/language?culture={(locale == "zh-CN" ? "zh-CN" : "en")}&returnUrl=%2Ffollow-up");
        await watched.Page.FillAsync("#tracking-number", trackingNumber);
        await watched.Page.FillAsync("#token", token);
        await watched.Page.ClickAsync("main button[type=submit]");
        await watched.Page.WaitForSelectorAsync(selector);
        return watched;
    }

    private static async Task<(string TrackingNumber, string Token)> SubmitAsync(string title)
    {
        using var api = Platform.Client();
        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title, description = "Found while testing the product.",
            product = new { vendor = "Acme", name = "Portal", version = "2.0" }, thirdParty = false,
            stepsToReproduce = "Open the page.", impact = "Information an attacker can use.",
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var report = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        return (report.GetProperty("trackingNumber").GetString()!, report.GetProperty("followUpToken").GetString()!);
    }

    private static async Task StatusWhenAsync(string trackingNumber, string token, Func<JsonElement, bool> condition)
    {
        using var api = Platform.Client();
        JsonElement view = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}");
            status.Headers.Add("X-Follow-Up-Token", token);
            view = await (await api.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
            return condition(view);
        }, TimeSpan.FromSeconds(30)), $"the status view never showed the outcome: {view}");
    }
}
