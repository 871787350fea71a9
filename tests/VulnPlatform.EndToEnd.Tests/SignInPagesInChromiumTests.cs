using Microsoft.Playwright;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Identity's pages in a real browser (Debian's Chromium, driven by Playwright), through the
/// gateway: they render with their own style sheet under the strict Content-Security-Policy, with
/// not one console error (a CSP violation is reported there), in English and in Chinese.
/// </summary>
public sealed class SignInPagesInChromiumTests : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VP_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task A_reporter_registers_and_signs_in_in_chromium_without_a_single_console_error()
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true, // the platform's self-signed development certificate
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, // a phone
        });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"{message.Type}: {message.Text}"); };
        page.PageError += (_, error) => problems.Add($"page error: {error}");

        var email = $"chromium{Guid.NewGuid():N}@example.org";
        const string password = "a passphrase typed into chromium";
        await page.GotoAsync(new Uri(Platform.Gateway, "/account/register").AbsoluteUri);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirmPassword", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[role=status]");

        await page.GotoAsync(new Uri(Platform.Gateway, "/account/sign-in?returnUrl=%2Faccount").AbsoluteUri);
        Assert.Equal("current-password", await page.GetAttributeAsync("#password", "autocomplete"));
        // The style sheet is served by the platform and allowed by the policy: the button has its colour.
        Assert.Equal("rgb(31, 95, 191)", await page.EvalOnSelectorAsync<string>("button[type=submit]", "b => getComputedStyle(b).backgroundColor"));
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("**/account");
        Assert.Contains(email, await page.TextContentAsync("main"));

        // The switch leaves for /account/language and comes back to /account: wait for the page it lands on
        // (waiting for the URL matched the page being left, and timed out once on a busy machine).
        await page.ClickAsync("a[lang=zh-CN]");
        await page.WaitForFunctionAsync("() => document.title === '您的账户 · VulnPlatform'");
        Assert.Equal("您的账户 · VulnPlatform", await page.TitleAsync());

        Assert.Empty(problems);
    }
}
