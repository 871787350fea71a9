using Microsoft.Playwright;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Signing in to the web client in Chromium: Identity's pages through the code + PKCE flow of the
/// confidential client, a session cookie that holds nothing but an id, "my reports", and a sign-out
/// after which a copy of the old cookie opens nothing.
/// </summary>
public sealed class SignedInWebTests(WebClient web) : IClassFixture<WebClient>
{
    [Fact]
    public async Task A_reporter_signs_in_sees_their_reports_and_signing_out_ends_the_session_on_the_server()
    {
        await using var watched = await web.OpenAsync();
        var page = watched.Page;
        await RegisterAndSignInAsync(watched, Password);
        Assert.Contains("not sent a report", await page.TextContentAsync("main"));
        await watched.AssertCleanAsync();

        // The session cookie: HttpOnly, Secure, SameSite, a random id — no token in the browser.
        var cookie = Assert.Single(await watched.Context.CookiesAsync(), c => c.Name == "__Host-vp-web");
        Assert.True(cookie.HttpOnly && cookie.Secure);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.True(cookie.Value.Length < 600, "the cookie should carry a session id, not tokens");

        // A report sent while signed in belongs to the account.
        await watched.GotoAsync("/report");
        await page.CheckAsync("#kind-general");
        await page.FillAsync("#title", "Signed-in question");
        await page.FillAsync("#description", "Sent from the web client while signed in.");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("[data-receipt]");
        await watched.GotoAsync("/my-reports");
        Assert.Contains("Signed-in question", await page.TextContentAsync("table.list"));
        await watched.AssertCleanAsync();

        await page.ClickAsync("header form[action='/signout'] button");
        await page.ArrivedAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.DoesNotContain(await watched.Context.CookiesAsync(), c => c.Name == "__Host-vp-web");

        // Someone who copied the cookie before the sign-out gets nothing with it now.
        await using var thief = await web.OpenAsync();
        await thief.Context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = cookie.Value, Url = Platform.Gateway.AbsoluteUri, Secure = true, HttpOnly = true }]);
        await thief.GotoAsync("/my-reports");
        await thief.Page.WaitForURLAsync("**/account/sign-in**");
        Assert.DoesNotContain("Signed-in question", await thief.Page.ContentAsync());
    }
    /// <summary>
    /// Cookies copied before a password change (the web client's and Identity's) open nothing afterwards;
    /// the browser that changed it is still signed in. Sixteen overlapping requests, each refreshing the session's
    /// tokens (the test platform refreshes on every request), keep the session: it refreshes once at a time.
    /// </summary>
    [Fact]
    public async Task A_password_change_ends_copied_sessions_and_parallel_requests_never_sign_anyone_out()
    {
        await using var watched = await web.OpenAsync();
        var page = watched.Page;
        const string changed = "quite another passphrase now";
        await RegisterAndSignInAsync(watched, Password);

        // Sixteen requests, one every 10 ms: each arrives while another is still refreshing (presenting a refresh token
        // spent a moment earlier would be taken for a replay, and the whole token family revoked).
        var statuses = await page.EvaluateAsync<int[]>("""
            () => Promise.all(Array.from({ length: 16 }, (_, i) => new Promise(resolve => setTimeout(resolve, i * 10))
                .then(() => fetch('/my-reports', { redirect: 'manual' })).then(r => r.type === 'opaqueredirect' ? 302 : r.status)))
            """);
        Assert.All(statuses, status => Assert.Equal(200, status));
        await watched.GotoAsync("/my-reports");
        Assert.Equal("/my-reports", new Uri(page.Url).AbsolutePath);

        var copied = (await watched.Context.CookiesAsync()).Where(c => c.Name is "__Host-vp-web" or "__Host-vp-session").ToList();
        Assert.Equal(2, copied.Count);
        await watched.GotoAsync("/account/change-password");
        await page.FillAsync("#currentPassword", Password);
        await page.FillAsync("#newPassword", changed);
        await page.FillAsync("#confirmPassword", changed);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[role=status]");

        await using var thief = await web.OpenAsync();
        await thief.Context.AddCookiesAsync([.. copied.Select(c => new Cookie { Name = c.Name, Value = c.Value, Url = Platform.Gateway.AbsoluteUri, Secure = true, HttpOnly = true })]);
        await thief.GotoAsync("/my-reports");
        await thief.Page.WaitForURLAsync("**/account/sign-in**");

        // The browser that changed the password carries on (its web session signs in again through its renewed Identity session).
        await watched.GotoAsync("/my-reports");
        await page.ArrivedAsync("**/my-reports");
        Assert.Contains("not sent a report", await page.TextContentAsync("main"));
    }

    private const string Password = "a passphrase for the web client";

    /// <summary>Registers on Identity's page, then signs in to the web client at "my reports".</summary>
    private static async Task RegisterAndSignInAsync(WatchedPage watched, string password)
    {
        var page = watched.Page;
        var email = $"web{Guid.NewGuid():N}@example.org";
        await watched.GotoAsync("/account/register");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirmPassword", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[role=status]");
        await watched.GotoAsync("/my-reports");
        await page.WaitForURLAsync("**/account/sign-in**");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.ArrivedAsync("**/my-reports");
    }
}
