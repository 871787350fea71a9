using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The reporter portal of the web client in Chromium: an anonymous reporter submits with two
/// attachments (each with its progress bar), keeps the receipt and follows up; the same in
/// Simplified Chinese on a phone; a keyboard-only submission without JavaScript; and what an
/// attacker would try (no session cookie readable by script, forged posts, someone else's report).
/// </summary>
public sealed class ReporterPortalInChromiumTests(WebClient web) : IClassFixture<WebClient>
{
    [Fact]
    public async Task An_anonymous_reporter_submits_with_two_attachments_keeps_the_receipt_and_follows_up()
    {
        await using var watched = await web.OpenAsync();
        var page = watched.Page;
        await watched.GotoAsync("/");
        await watched.AssertCleanAsync();
        await page.ClickAsync("main a[href='/report']");
        // The form itself, not WaitForURLAsync: after an in-page (enhanced) navigation that call can wait for a
        // load event that already fired (playwright-dotnet #3365), and did so once here for 30 s.
        await page.WaitForSelectorAsync("#files-hint");
        Assert.Equal("/report", new Uri(page.Url).AbsolutePath);
        await watched.AssertCleanAsync();
        Assert.Contains("Up to 10 files", await page.TextContentAsync("#files-hint"));

        await page.FillAsync("#title", "Stored XSS in the comment preview");
        await page.FillAsync("#description", "The preview renders comment HTML without encoding it.");
        await page.FillAsync("#vendor", "Example");
        await page.FillAsync("#product", "Shop");
        await page.FillAsync("#version", "4.2");
        await page.CheckAsync("#thirdparty-no");
        await page.FillAsync("#steps", "1. Post a comment with <img src=x onerror=alert(1)>\n2. Open the preview.");
        await page.FillAsync("#impact", "Script runs in the session of anyone who previews the comment.");
        await page.FillAsync("#cwe", "CWE-79");
        // One file chosen, one dropped on the drop zone.
        await page.SetInputFilesAsync("#files", new[] { new FilePayload { Name = "poc.html", MimeType = "text/html", Buffer = "<img src=x onerror=alert(1)>"u8.ToArray() } });
        var dropped = await page.EvaluateHandleAsync(@"() => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(300000)], 'notes.txt', { type: 'text/plain' }));
            return data;
        }");
        await page.DispatchEventAsync("[data-dropzone]", "drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        // The script lists each chosen file with its own progress bar before anything is sent.
        Assert.Equal(2, await page.Locator("[data-uploads] li progress").CountAsync());
        await page.ClickAsync("button[type=submit]");

        await page.WaitForSelectorAsync("[data-receipt]");
        var trackingNumber = (await page.TextContentAsync("#tracking-number"))!.Trim();
        var token = (await page.TextContentAsync("#follow-up-token"))!.Trim();
        Assert.Matches(@"^VR-\d{4}-\d{6}$", trackingNumber);
        Assert.True(token.Length >= 20);
        Assert.Equal(2, await page.Locator(".uploaded li.done").CountAsync());
        Assert.Contains("24 hours", await page.TextContentAsync(".next-steps"));
        Assert.Contains("only once", await page.TextContentAsync(".warning"));
        await watched.AssertCleanAsync();

        // The browser holds a session id only, out of reach of scripts, and never the token.
        var cookies = await watched.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "__Host-vp-follow-up");
        Assert.True(session.HttpOnly && session.Secure);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.DoesNotContain(cookies, c => c.Value.Contains(token, StringComparison.Ordinal));

        await page.ClickAsync("a[href^='/reports/']");
        await page.WaitForSelectorAsync(".timeline");
        Assert.Equal("Stored XSS in the comment preview", (await page.TextContentAsync("h1"))!.Trim());
        Assert.Equal(["poc.html", "notes.txt"], (await page.Locator("section[aria-labelledby=files-heading] li a").AllTextContentsAsync()).Select(DisplayName).ToArray());
        await watched.AssertCleanAsync();

        await page.FillAsync("#reply-text", "One more detail: the preview is also reachable without signing in.");
        await page.ClickAsync("form.reply button[type=submit]");
        await page.WaitForSelectorAsync(".notice");
        Assert.Contains("without signing in", await page.TextContentAsync(".thread"));
        await watched.AssertCleanAsync();

        // Consent: credit in public under a name; saved and shown as saved.
        await page.CheckAsync("#public-credit");
        await page.FillAsync("#credit-name", "Anon Researcher");
        await page.ClickAsync("form:has(#public-credit) button[type=submit]");
        await page.WaitForSelectorAsync(".notice");
        Assert.True(await page.IsCheckedAsync("#public-credit"));
        Assert.Equal("Anon Researcher", await page.InputValueAsync("#credit-name"));
        await watched.AssertCleanAsync();

        // A fresh browser with the tracking number and token from the receipt gets back in; a wrong token gets nothing.
        await using var later = await web.OpenAsync();
        await later.GotoAsync("/follow-up");
        await later.Page.FillAsync("#tracking-number", trackingNumber);
        await later.Page.FillAsync("#token", token + "x");
        await later.Page.ClickAsync("main button[type=submit]");
        await later.Page.WaitForSelectorAsync("#follow-up-error");
        await later.AssertCleanAsync();
        await later.Page.FillAsync("#tracking-number", trackingNumber);
        await later.Page.FillAsync("#token", token);
        await later.Page.ClickAsync("main button[type=submit]");
        await later.Page.WaitForSelectorAsync(".timeline");
        Assert.Contains("without signing in", await later.Page.TextContentAsync(".thread"));

        // Another browser that only knows the tracking number sees nothing of the report.
        await using var stranger = await web.OpenAsync();
        await stranger.GotoAsync($"/reports/{trackingNumber}");
        Assert.DoesNotContain("Stored XSS", await stranger.Page.ContentAsync());
        Assert.Equal(0, await stranger.Page.Locator(".timeline").CountAsync());

        // Withdrawing needs the confirmation; then the personal data can be erased, for good.
        await later.Page.FillAsync("#withdraw-reason", "Reported to the wrong organisation.");
        await later.Page.CheckAsync("#withdraw-confirm");
        await later.Page.ClickAsync("form:has(#withdraw-confirm) button[type=submit]");
        await later.Page.WaitForSelectorAsync("#erase-confirm");
        Assert.Contains("Withdrawn", await later.Page.TextContentAsync(".meta"));
        await later.Page.CheckAsync("#erase-confirm");
        await later.Page.ClickAsync("form:has(#erase-confirm) button[type=submit]");
        await later.Page.WaitForSelectorAsync(".notice");
        Assert.Contains("personal data was erased", await later.Page.TextContentAsync("section[aria-labelledby=withdraw-heading]"));
        await later.AssertCleanAsync();
    }

    [Fact]
    public async Task A_reporter_on_a_phone_submits_in_Simplified_Chinese_and_field_errors_come_back_beside_the_fields()
    {
        await using var watched = await web.OpenAsync(locale: "zh-CN", width: 390, height: 844);
        var page = watched.Page;
        await watched.GotoAsync("/report");
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("报告漏洞 · VulnPlatform", await page.TitleAsync());
        // Nothing wider than the phone's screen.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        await watched.AssertCleanAsync();

        // A vulnerability without product, steps or impact: the API's problem details appear beside each field.
        await page.FillAsync("#title", "登录页面的开放重定向");
        await page.FillAsync("#description", "returnUrl 参数可以指向任意站点。");
        await page.EvaluateAsync("() => document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#form-error");
        Assert.Equal("true", await page.GetAttributeAsync("#steps", "aria-invalid"));
        Assert.Contains("steps-error", await page.GetAttributeAsync("#steps", "aria-describedby") ?? "");
        Assert.Equal("登录页面的开放重定向", await page.InputValueAsync("#title")); // nothing typed is lost
        await watched.AssertCleanAsync();

        await page.FillAsync("#vendor", "Example");
        await page.FillAsync("#product", "Portal");
        await page.CheckAsync("#thirdparty-no");
        await page.FillAsync("#steps", "访问 /login?returnUrl=https://evil.example");
        await page.FillAsync("#impact", "钓鱼。");
        await page.FillAsync("#email", "reporter@example.org");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-receipt]");
        Assert.Contains("24 小时", await page.TextContentAsync(".next-steps"));
        Assert.Equal("谢谢——我们已收到您的报告", (await page.TextContentAsync("h1"))!.Trim());
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the receipt scrolls sideways on a phone");
        await watched.AssertCleanAsync();

        // The visible switch goes back to English and is remembered.
        await page.ClickAsync("a[lang=en]");
        await page.WaitForFunctionAsync("() => document.documentElement.lang === 'en'");
        await watched.GotoAsync("/follow-up");
        Assert.Equal("Follow up a report · VulnPlatform", await page.TitleAsync());
    }

    [Fact]
    public async Task A_reporter_submits_with_the_keyboard_alone_and_without_JavaScript()
    {
        await using var watched = await web.OpenAsync(javaScript: false);
        var page = watched.Page;
        await watched.GotoAsync("/report");
        await page.FocusAsync("#kind-general");
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("title", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync("Where can I change my invoice address?");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("My company moved; the invoices still go to the old address.");
        // The submit button is reached with Tab and pressed with Enter.
        for (var i = 0; i < 40 && await page.EvaluateAsync<string>("() => document.activeElement.type") != "submit"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Equal("submit", await page.EvaluateAsync<string>("() => document.activeElement.type"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("[data-receipt]");
        Assert.Contains("support desk", await page.TextContentAsync(".next-steps"));
        Assert.Matches(new Regex(@"^VR-\d{4}-\d{6}$"), (await page.TextContentAsync("#tracking-number"))!.Trim());
        await watched.AssertCleanAsync();
    }

    [Fact]
    public async Task Without_JavaScript_a_report_carries_its_files_in_one_post_beyond_the_default_body_limit()
    {
        await using var watched = await web.OpenAsync(javaScript: false);
        var page = watched.Page;
        await watched.GotoAsync("/report");
        await page.CheckAsync("#kind-general");
        await page.FillAsync("#title", "Two large logs");
        await page.FillAsync("#description", "Logs of the failing export, as asked.");
        // 4 × 9.5 MiB (each under the 10 MiB per file): 40 MB in one post, over ASP.NET Core's default 30 MB
        // request limit, within a report's 50 MiB allowance.
        await page.SetInputFilesAsync("#files", Enumerable.Range(1, 4)
            .Select(i => new FilePayload { Name = $"export-{i}.log", MimeType = "text/plain", Buffer = new byte[9_961_472] }).ToArray());
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("[data-receipt]");
        Assert.Equal(0, await page.Locator(".alert").CountAsync()); // no file failed
        await page.ClickAsync("a[href^='/reports/']");
        Assert.Equal(["export-1.log", "export-2.log", "export-3.log", "export-4.log"], (await page.Locator("section[aria-labelledby=files-heading] li a").AllTextContentsAsync()).Select(DisplayName).ToArray());
    }

    [Fact]
    public async Task A_forged_post_without_the_antiforgery_token_is_refused_and_records_nothing()
    {
        using var client = Platform.Client();
        var before = await client.GetAsync("/report");
        var forged = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "report", ["Form.Kind"] = "general", ["Form.Title"] = "forged", ["Form.Description"] = "forged from another site",
        });
        var response = await client.PostAsync("/report", forged);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("data-receipt", await response.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, before.StatusCode);
        Assert.Contains("script-src 'self'", before.Headers.GetValues("Content-Security-Policy").Single());
    }

    private static string DisplayName(string text) => text.Trim();
}
