using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The whole process through the web client in Chromium, each person in a browser of their own: an
/// anonymous reporter submits with two attachments; an analyst signs in with a TOTP code, acknowledges
/// and asks a question; the reporter answers (in Simplified Chinese); the analyst scores with the
/// calculator, validates and marks a third-party product; a coordinator notifies the vendor; the
/// vendor signs in, sees no reporter identity and posts a statement; the coordinator schedules the
/// advisory a minute ahead; the public page appears at the instant and the reporter sees "disclosed".
/// Every page is checked for console errors, CSP violations and serious accessibility findings.
/// </summary>
public sealed class WebJourneyInChromiumTests(WebClient web) : IClassFixture<WebClient>
{
    [Fact]
    public async Task A_report_goes_from_the_reporter_through_triage_coordination_and_the_vendor_to_a_published_advisory()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var vendorName = $"Acme Widgets {suffix}";
        var productName = $"WidgetServer {suffix}";
        var analyst = await StaffAccounts.CreateAsync("analyst");
        var coordinator = await StaffAccounts.CreateAsync("coordinator");
        using var api = Platform.Client();
        var registered = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/coordination/vendors", coordinator.Token, JsonContent.Create(new
        {
            name = vendorName, products = new[] { new { name = productName } }, securityContacts = new[] { $"psirt.{suffix}@vendor.example" },
        })));
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var organisationId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var vendor = await StaffAccounts.CreateAsync("vendor", organisationId);

        // The reporter, anonymous, with two attachments and their name (not shared with vendors).
        await using var reporter = await web.OpenAsync();
        await reporter.GotoAsync("/report");
        var page = reporter.Page;
        await page.FillAsync("#title", $"Remote code execution in {productName}");
        await page.FillAsync("#description", "The import endpoint deserialises untrusted YAML.");
        await page.FillAsync("#vendor", vendorName);
        await page.FillAsync("#product", productName);
        await page.FillAsync("#version", "3.2");
        await page.CheckAsync("#thirdparty-yes");
        await page.FillAsync("#steps", "POST a YAML document with a !!python/object tag to /import.");
        await page.FillAsync("#impact", "Any visitor runs code on the server.");
        await page.FillAsync("#name", "Mei Reporter");
        await page.FillAsync("#email", $"mei.{suffix}@researcher.example");
        await page.SetInputFilesAsync("#files", new[]
        {
            new FilePayload { Name = "exploit.yaml", MimeType = "text/plain", Buffer = "!!python/object/apply:os.system ['id']"u8.ToArray() },
            new FilePayload { Name = "server-log.txt", MimeType = "text/plain", Buffer = "GET /import 500"u8.ToArray() },
        });
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("[data-receipt]");
        Assert.Equal(2, await page.Locator(".uploaded li.done").CountAsync());
        var trackingNumber = (await page.TextContentAsync("#tracking-number"))!.Trim();
        var token = (await page.TextContentAsync("#follow-up-token"))!.Trim();
        await reporter.AssertCleanAsync();

        // The analyst signs in with a TOTP code and finds the queue with its countdowns.
        await using var analystBrowser = await web.SignInAsync(analyst, "/staff");
        var staff = analystBrowser.Page;
        Assert.True(await staff.Locator("table.queue time[data-countdown]").CountAsync() > 0, "the queue shows no deadline countdown");
        await analystBrowser.AssertCleanAsync();
        // The files reach Triage through the bus, a moment after the report.
        await Eventually(staff, $"/staff/cases/{trackingNumber}", async () => (await staff.TextContentAsync("main"))!.Contains("server-log.txt"));
        Assert.Contains("exploit.yaml", await staff.TextContentAsync("main"));
        await analystBrowser.AssertCleanAsync();
        await SubmitAsync(staff, "form:has(input[value=assign])");
        Assert.Contains("Assigned to you", await staff.TextContentAsync(".actions-panel"));
        await ActAsync(staff, "acknowledge", "#ack-text", "Thank you, we are looking at it.");
        await ActAsync(staff, "request-information", "#question", "Which Python version runs the server?");
        Assert.Contains("Needs information", await staff.TextContentAsync("#case-state"));

        // The reporter answers, this time in Simplified Chinese.
        await using var reporterZh = await web.OpenAsync(locale: "zh-CN");
        await reporterZh.GotoAsync("/follow-up");
        await reporterZh.Page.FillAsync("#tracking-number", trackingNumber);
        await reporterZh.Page.FillAsync("#token", token);
        await reporterZh.Page.ClickAsync("main button[type=submit]");
        await reporterZh.Page.WaitForSelectorAsync(".timeline");
        Assert.Contains("Which Python version", await reporterZh.Page.TextContentAsync(".thread"));
        Assert.Contains("等待您的答复", await reporterZh.Page.TextContentAsync(".meta"));
        await reporterZh.Page.FillAsync("#reply-text", "Python 3.12，在 Debian 12 上。");
        await reporterZh.Page.ClickAsync("form.reply button[type=submit]");
        await reporterZh.Page.WaitForSelectorAsync(".notice");
        await reporterZh.AssertCleanAsync();

        // The analyst sees the answer, scores with the live calculator, validates and names the third party.
        await Eventually(staff, $"/staff/cases/{trackingNumber}", async () => (await staff.TextContentAsync(".thread"))!.Contains("Python 3.12"));
        await staff.ClickAsync("details:has(form[data-cvss-calculator]) summary");
        await staff.SelectOptionAsync("#cvss-version", "3.1");
        // Until every base metric is chosen the calculator says so, and asks the server nothing (it would refuse: 400).
        Assert.Contains("Choose every base metric", await staff.TextContentAsync("[data-cvss-result]"));
        foreach (var (metric, value) in new[] { ("AV", "N"), ("AC", "L"), ("PR", "N"), ("UI", "N"), ("S", "U"), ("C", "H"), ("I", "H"), ("A", "H") })
        {
            await staff.SelectOptionAsync($"#cvss-31-{metric}", value);
        }
        await staff.WaitForFunctionAsync("() => document.querySelector('[data-cvss-result]').textContent.includes('9.8')");
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", await staff.InputValueAsync("#cvss-vector"));
        Assert.Contains("Critical", await staff.TextContentAsync("[data-cvss-result]"));
        await analystBrowser.AssertCleanAsync();
        await staff.FillAsync("#assess-cwe", "CWE-502");
        await SubmitAsync(staff, "form[data-cvss-calculator]");
        Assert.Contains("9.8", await staff.TextContentAsync(".meta"));
        await ActAsync(staff, "validate", "#validate-text", "Confirmed on 3.2; the vendor will be involved.");
        await staff.ClickAsync("details:has(#tp-vendor) summary");
        await SubmitAsync(staff, "form:has(#tp-vendor)");
        await analystBrowser.AssertCleanAsync();

        // Someone else changed the case since this page was read: the change is refused, the input kept.
        await using var stale = await web.SignInAsync(analyst, $"/staff/cases/{trackingNumber}");
        await ActAsync(staff, "updates", "#update-text", "We are preparing the coordination.");
        await stale.Page.ClickAsync("details:has(#update-text) summary");
        await stale.Page.FillAsync("#update-text", "An update typed on an old copy of the page.");
        await stale.Page.ClickAsync("form:has(#update-text) button[type=submit]");
        await stale.Page.WaitForSelectorAsync("#stale");
        Assert.Equal("An update typed on an old copy of the page.", await stale.Page.InputValueAsync("#update-text"));
        // The page now shows the case as it is (the other update included); sent again, it applies to that.
        Assert.Contains("preparing the coordination", await stale.Page.TextContentAsync(".thread"));
        await stale.Page.ClickAsync("form:has(#update-text) button[type=submit]");
        await stale.Page.WaitForSelectorAsync(".notice");
        Assert.Equal(0, await stale.Page.Locator("#stale").CountAsync());

        // The coordinator brings the vendor in.
        await using var coordinatorBrowser = await web.SignInAsync(coordinator, "/staff/coordination");
        var coordination = coordinatorBrowser.Page;
        await Eventually(coordination, $"/staff/coordination/{trackingNumber}", async () => await coordination.Locator("#add-vendor").CountAsync() > 0);
        await coordinatorBrowser.AssertCleanAsync();
        await coordination.SelectOptionAsync("#add-vendor", organisationId.ToString());
        await SubmitAsync(coordination, "form:has(#add-vendor)");
        await coordination.ClickAsync($"details:has(#summary-{organisationId}) summary");
        await coordination.FillAsync($"#summary-{organisationId}", $"Deserialisation of untrusted YAML in {productName} 3.2 leads to remote code execution.");
        await SubmitAsync(coordination, $"form:has(#summary-{organisationId})");
        Assert.Contains("Notified", await coordination.TextContentAsync($"article[aria-labelledby='vendor-{organisationId}']"));
        // The coordinator shares the exploit with the vendor and reviews the relay from now on.
        await coordination.ClickAsync($"article[aria-labelledby='vendor-{organisationId}'] details:has(ul.files) summary");
        await SubmitAsync(coordination, $"article[aria-labelledby='vendor-{organisationId}'] li:has-text('exploit.yaml') form");
        await SubmitAsync(coordination, "form:has(button:text('Review messages first'))");
        Assert.Contains("wait for your review", await coordination.TextContentAsync("main"));
        await coordinatorBrowser.AssertCleanAsync();

        // The vendor sees its case without the reporter's identity and answers.
        await using var vendorBrowser = await web.SignInAsync(vendor, "/vendor");
        var vendorPage = vendorBrowser.Page;
        await Eventually(vendorPage, "/vendor", async () => (await vendorPage.TextContentAsync("main"))!.Contains(trackingNumber));
        await vendorBrowser.AssertCleanAsync();
        await vendorBrowser.GotoAsync($"/vendor/cases/{trackingNumber}");
        var vendorView = (await vendorPage.ContentAsync())!;
        Assert.DoesNotContain("Mei Reporter", vendorView);
        Assert.DoesNotContain($"mei.{suffix}", vendorView);
        Assert.Contains("identity not shared", await vendorPage.TextContentAsync("#reporter"));
        Assert.Contains("untrusted YAML", await vendorPage.TextContentAsync("main"));
        await vendorBrowser.AssertCleanAsync();
        await vendorPage.SelectOptionAsync("#status", "fixed");
        await vendorPage.FillAsync("#fixed-version", "3.2.1");
        await SubmitAsync(vendorPage, "form:has(#status)");
        await vendorPage.FillAsync("#statement", "Fixed in 3.2.1; customers should update.");
        await SubmitAsync(vendorPage, "form:has(#statement)");
        Assert.Contains("Fixed in 3.2.1", await vendorPage.TextContentAsync(".statements"));
        // The shared file under a neutral name (the reporter's own name for it could say who they are).
        Assert.Contains($"{trackingNumber}-file-", await vendorPage.TextContentAsync("section[aria-labelledby=relay-heading]"));
        Assert.DoesNotContain("exploit.yaml", await vendorPage.ContentAsync());
        await vendorPage.FillAsync("#relay-text", "Could you confirm the fix in 3.2.1 closes your finding?");
        await SubmitAsync(vendorPage, "form:has(#relay-text)");
        Assert.Contains("held for review", await vendorPage.TextContentAsync(".thread"));
        await vendorBrowser.AssertCleanAsync();

        // The coordinator lets it through; the reporter reads it from the organisation, not a person.
        await Eventually(coordination, $"/staff/coordination/{trackingNumber}", async () => await coordination.Locator(".message.held").CountAsync() > 0);
        await SubmitAsync(coordination, ".message.held form:has(button:text('Pass it on'))");
        await Eventually(reporter.Page, $"/reports/{trackingNumber}", async () => (await reporter.Page.TextContentAsync(".thread"))!.Contains("confirm the fix"));
        Assert.Contains(vendorName, await reporter.Page.TextContentAsync(".thread"));

        // A vendor typing the address of a case that is not its organisation's gets nothing of it.
        var elsewhere = await AnonymousReportAsync(api);
        await vendorBrowser.GotoAsync($"/vendor/cases/{elsewhere}");
        Assert.Contains("no such case", (await vendorPage.TextContentAsync("main"))!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Somebody else's", await vendorPage.ContentAsync());

        // The coordination agreed a disclosure date a month out; the coordinator drafts the advisory: the schedule form starts from that date.
        var agreedAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30).AddHours(9), TimeSpan.Zero);
        var agreed = await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/disclosure-date", coordinator.Token,
            JsonContent.Create(new { disclosureAt = agreedAt })));
        Assert.True(agreed.IsSuccessStatusCode, await agreed.Content.ReadAsStringAsync());
        await coordinatorBrowser.GotoAsync($"/staff/advisories?trackingNumber={trackingNumber}");
        await SubmitAsync(coordination, "form:has(button:text('Draft an advisory'))");
        await Eventually(coordination, $"/staff/advisories?trackingNumber={trackingNumber}", async () => await coordination.Locator("#agreed-date").CountAsync() > 0);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(await coordination.InputValueAsync("#zone"));
        Assert.Equal(TimeZoneInfo.ConvertTime(agreedAt, zone).ToString("yyyy-MM-dd HH:mm"),
            await coordination.InputValueAsync("#date") + " " + await coordination.InputValueAsync("#time"));
        var advisoryLink = coordination.Locator($"#set-heading ~ ul a").First;
        var publicId = (await advisoryLink.TextContentAsync())!.Trim();
        // The draft's title and summary are the reporter's own words: the coordinator reads and saves them first.
        Assert.Equal(1, await coordination.Locator("#set-heading ~ ul .unreviewed").CountAsync());
        await advisoryLink.ClickAsync();
        await coordination.WaitForSelectorAsync("#reporter-words");
        await coordination.FillAsync("#a-change", "Read the reporter's wording; kept it.");
        await coordination.ClickAsync("form.editor button[type=submit]");
        await coordination.WaitForSelectorAsync(".notice:not(#reporter-words), main .alert");
        var refusal = coordination.Locator("main .alert");
        Assert.True(await refusal.CountAsync() == 0, await refusal.CountAsync() == 0 ? "" : await refusal.First.TextContentAsync());
        Assert.Equal(0, await coordination.Locator("#reporter-words").CountAsync());
        await coordination.GotoAsync(new Uri(Platform.Gateway, $"/staff/advisories?trackingNumber={trackingNumber}").AbsoluteUri);
        Assert.Equal(0, await coordination.Locator("#set-heading ~ ul .unreviewed").CountAsync());
        // It is scheduled a minute ahead all the same.
        var instant = DateTimeOffset.UtcNow.AddSeconds(75);
        instant = new DateTimeOffset(instant.Year, instant.Month, instant.Day, instant.Hour, instant.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        await coordination.FillAsync("#date", instant.ToString("yyyy-MM-dd"));
        await coordination.FillAsync("#time", instant.ToString("HH:mm"));
        await coordination.SelectOptionAsync("#zone", "UTC");
        await coordination.ClickAsync("form.schedule button[type=submit]");
        await coordination.WaitForSelectorAsync("#schedule-confirm");
        // A minute ahead leaves customers no pre-notice: the console asks for a confirmation with the instant in words and a reason.
        var confirmation = (await coordination.TextContentAsync("#schedule-confirm"))!;
        Assert.Contains("less than the usual embargoed pre-notice", confirmation);
        Assert.Contains("before the disclosure date agreed with the vendors", confirmation);
        Assert.Contains(instant.ToString("dddd d MMMM yyyy, HH:mm", System.Globalization.CultureInfo.GetCultureInfo("en")), confirmation);
        Assert.Equal(0, await coordination.Locator("#schedule-state").CountAsync()); // nothing scheduled yet
        await coordination.FillAsync("#override-reason", "The vendor has shipped the fix; publishing now.");
        await SubmitAsync(coordination, "form:has(#override-reason)");
        Assert.Contains(instant.ToString("yyyy-MM-dd HH:mm") + " UTC", await coordination.TextContentAsync("#schedule-state"));
        Assert.Contains("The vendor has shipped the fix", await coordination.TextContentAsync("#schedule-overrides"));
        await coordinatorBrowser.AssertCleanAsync();

        // Nothing is public before the instant; the page appears at it.
        using var anonymous = Platform.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/advisories/{publicId}")).StatusCode);
        await Task.Delay(instant - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        await reporter.GotoAsync($"/advisories/{publicId}");
        Assert.Contains(productName, await reporter.Page.TextContentAsync("body"));

        // The reporter sees "disclosed" (the publication reaches Intake through the bus).
        await Eventually(reporter.Page, $"/reports/{trackingNumber}", async () => (await reporter.Page.TextContentAsync(".meta"))!.Contains("Disclosed"));
        Assert.Contains(publicId, await reporter.Page.TextContentAsync("main"));
        await reporter.AssertCleanAsync();
        await Eventually(reporterZh.Page, $"/reports/{trackingNumber}", async () => (await reporterZh.Page.TextContentAsync(".meta"))!.Contains("已公开"));
        await reporterZh.AssertCleanAsync();
    }

    private static async Task<string> AnonymousReportAsync(HttpClient api)
    {
        var created = await api.PostAsJsonAsync("/api/reports", new
        {
            title = "Somebody else's vulnerability", description = "Not shared with any vendor.", kind = "vulnerability",
            product = new { vendor = "Other Maker", name = "Other Product" }, thirdParty = true, stepsToReproduce = "Steps.", impact = "Impact.",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString()!;
    }

    /// <summary>Opens an action's panel on the case page, fills its text and submits it; the page says it was done.</summary>
    private static async Task ActAsync(IPage page, string action, string textSelector, string text)
    {
        await page.ClickAsync($"details:has({textSelector}) summary");
        await page.FillAsync(textSelector, text);
        await SubmitAsync(page, $"form:has({textSelector})");
    }

    private static async Task SubmitAsync(IPage page, string formSelector)
    {
        await page.ClickAsync($"{formSelector} button[type=submit]");
        await page.WaitForSelectorAsync(".notice, .alert");
        var alert = page.Locator("main .alert");
        Assert.True(await alert.CountAsync() == 0, await alert.CountAsync() == 0 ? "" : await alert.First.TextContentAsync());
    }

    /// <summary>Reloads <paramref name="path"/> until the condition holds (the services work asynchronously through the bus).</summary>
    private static async Task Eventually(IPage page, string path, Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            await page.GotoAsync(new Uri(Platform.Gateway, path).AbsoluteUri);
            if (await condition()) return;
            Assert.True(DateTimeOffset.UtcNow < deadline, $"{path} did not show what was expected within a minute");
            await Task.Delay(500);
        }
    }
}
