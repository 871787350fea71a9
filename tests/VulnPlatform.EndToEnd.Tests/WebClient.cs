using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Debian's Chromium, driven by Playwright, on the platform's web client through the gateway: every
/// page is watched for console errors (CSP violations are reported there) and failed page scripts,
/// and checked by axe-core for serious or critical accessibility violations.
/// </summary>
public sealed class WebClient : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("VP_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }

    /// <summary>Signs in through Identity's pages (password, then a TOTP code computed here) and lands on <paramref name="returnPath"/>.</summary>
    public async Task<WatchedPage> SignInAsync(StaffAccounts.Person person, string returnPath)
    {
        var watched = await OpenAsync();
        await watched.GotoAsync($"/signin?returnUrl={Uri.EscapeDataString(returnPath)}");
        await watched.Page.WaitForURLAsync("**/account/sign-in**");
        await watched.Page.FillAsync("#email", person.Email);
        await watched.Page.FillAsync("#password", person.Password);
        await watched.Page.ClickAsync("button[type=submit]");
        await watched.Page.WaitForSelectorAsync("#code");
        await watched.Page.FillAsync("#code", await person.FreshCodeAsync());
        await watched.Page.ClickAsync("button[type=submit]");
        await watched.Page.ArrivedAsync(url => new Uri(url).PathAndQuery.StartsWith(returnPath, StringComparison.Ordinal));
        return watched;
    }

    public async Task<WatchedPage> OpenAsync(string locale = "en-GB", int width = 1280, int height = 900, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true, // the platform's self-signed development certificate
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            JavaScriptEnabled = javaScript,
        });
        var page = await context.NewPageAsync();
        return new WatchedPage(context, page, javaScript);
    }
}

public static class PageArrival
{
    /// <summary>
    /// Waits until the page is at a matching address and that document is complete, as the document
    /// itself says, asking it every 100 ms for at most 30 s. Playwright's own waits for the address
    /// (WaitForURL, with any WaitUntil) timed out twice in make test after the sign-in's redirects: the
    /// address already matched when asked, and the wait for the load state that followed never ended
    /// although "networkidle" had fired.
    /// </summary>
    public static async Task ArrivedAsync(this IPage page, Func<string, bool> url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (url(page.Url))
            {
                try
                {
                    if (await page.EvaluateAsync<string>("document.readyState") == "complete" && url(page.Url)) return;
                }
                catch (PlaywrightException)
                {
                    // the document was replaced while it was asked: ask the next one
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the page did not arrive within 30 s; it is at {page.Url}");
            await Task.Delay(100);
        }
    }

    /// <inheritdoc cref="ArrivedAsync(IPage, Func{string, bool})"/>
    /// <param name="glob">Playwright's URL glob: <c>**</c> any characters, <c>*</c> any but '/'.</param>
    public static Task ArrivedAsync(this IPage page, string glob)
    {
        var pattern = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(glob).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");
        return page.ArrivedAsync(pattern.IsMatch);
    }
}

public sealed class WatchedPage : IAsyncDisposable
{
    private readonly List<string> _problems = [];
    private readonly bool _javaScript;

    public WatchedPage(IBrowserContext context, IPage page, bool javaScript)
    {
        _javaScript = javaScript;
        Context = context;
        Page = page;
        page.Console += (_, message) => { if (message.Type is "error" or "warning") _problems.Add($"{page.Url} {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => _problems.Add($"{page.Url} page error: {error}");
        page.Response += (_, response) => { if (response.Status >= 500) _problems.Add($"{response.Url} answered {response.Status}"); };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public Task GotoAsync(string path) => Page.GotoAsync(new Uri(Platform.Gateway, path).AbsoluteUri);

    /// <summary>The page as it stands: no console error or CSP violation so far, and no serious or critical axe-core finding.</summary>
    public async Task AssertCleanAsync()
    {
        Assert.True(_problems.Count == 0, string.Join("\n", _problems));
        if (!_javaScript) return; // axe-core runs as a script in the page
        var results = await Page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html).Take(3))}").ToList();
        Assert.True(serious.Count == 0, $"{Page.Url}:\n{string.Join("\n", serious)}");
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
