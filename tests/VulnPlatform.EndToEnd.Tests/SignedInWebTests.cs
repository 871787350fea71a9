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
        var email = $"web{Guid.NewGuid():N}@example.org";
        const string password = "a passphrase for the web client";
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
}
