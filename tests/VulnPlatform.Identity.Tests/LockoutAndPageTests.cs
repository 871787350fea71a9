using System.Net;
using Marten;
using VulnPlatform.Testing;
using static VulnPlatform.Identity.Tests.SignInFlowTests;

namespace VulnPlatform.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class LockoutAndPageTests(IdentityFixture identity)
{
    private const string Password = "a long passphrase nobody guesses";

    [Fact]
    public async Task After_five_failures_the_sixth_attempt_is_refused_even_with_the_right_password_until_the_wait_ends()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await SignInPagesAsync(browser, email, "not the passphrase at all", "/account");
            Assert.Equal(attempt < 5 ? HttpStatusCode.BadRequest : HttpStatusCode.TooManyRequests, wrong.Status);
        }

        var sixth = await SignInPagesAsync(browser, email, Password, "/account");
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.Status);
        Assert.Equal("/account/sign-in", sixth.Address.AbsolutePath);

        identity.Clock.Advance(TimeSpan.FromSeconds(61));
        var afterWait = await SignInPagesAsync(browser, email, Password, "/account");
        Assert.Equal("/account", afterWait.Address.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, afterWait.Status);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answers_as_an_account_s_address_pause_included()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        var nobody = $"nobody{Guid.NewGuid():N}@example.org";
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var wrongPassword = await SignInPagesAsync(browser, email, "not the passphrase at all", "/account");
            var unknown = await SignInPagesAsync(browser, nobody, "not the passphrase at all", "/account");
            Assert.Equal(attempt < 5 ? HttpStatusCode.BadRequest : HttpStatusCode.TooManyRequests, unknown.Status);
            Assert.Equal(wrongPassword.Status, unknown.Status);
            Assert.Equal(wrongPassword.Error, unknown.Error);
        }
    }

    [Fact]
    public async Task Failures_from_one_network_pause_only_that_network_and_the_holder_is_told_from_where()
    {
        string email;
        using (var own = identity.Browser())
        {
            email = await RegisterAsync(own);
        }
        using var attacker = identity.Browser(forwardedFor: "203.0.113.7");
        for (var attempt = 1; attempt <= 5; attempt++) await SignInPagesAsync(attacker, email, "not the passphrase at all", "/account");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInPagesAsync(attacker, email, Password, "/account")).Status);

        // The holder, elsewhere, signs in as ever.
        using var holder = identity.Browser(forwardedFor: "198.51.100.20");
        var signedIn = await SignInPagesAsync(holder, email, Password, "/account");
        Assert.Equal(("/account", HttpStatusCode.OK), (signedIn.Address.AbsolutePath, signedIn.Status));

        // Recorded on the account, for the e-mail to its holder (at most one an hour): from which network, until when.
        await using var session = identity.Store.QuerySession();
        var account = await session.Query<Accounts.Account>().SingleAsync(a => a.Email == email);
        var paused = Assert.Single((await session.Events.FetchStreamAsync(account.Id)).Select(e => e.Data).OfType<Accounts.SignInsPaused>());
        Assert.Equal(("203.0.113.7", true), (paused.Network, paused.Notify));
        var published = Assert.IsType<VulnPlatform.Contracts.Identity.AccountLockedOut>(new Accounts.IdentityIntegrationEvents()
            .ToIntegrationEvent(new JasperFx.Events.Event<Accounts.SignInsPaused>(paused)));
        Assert.Equal(("203.0.113.7", paused.Until), (published.FromNetwork, published.LockedUntil));
        Assert.DoesNotContain(email, System.Text.Json.JsonSerializer.Serialize(published));
    }

    [Fact]
    public async Task A_client_that_is_not_the_gateway_cannot_choose_the_address_it_is_counted_under()
    {
        using var own = identity.Browser();
        var email = await RegisterAsync(own);
        // Straight from 192.0.2.50 (not a trusted proxy), claiming another address each time: all count for 192.0.2.50.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var direct = identity.Browser(forwardedFor: $"198.51.100.{attempt}", remote: "192.0.2.50");
            await SignInPagesAsync(direct, email, "not the passphrase at all", "/account");
        }
        using var again = identity.Browser(forwardedFor: "198.51.100.99", remote: "192.0.2.50");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInPagesAsync(again, email, Password, "/account")).Status);
    }

    [Fact]
    public async Task Pages_speak_english_or_simplified_chinese_by_accept_language_and_by_the_remembered_switch()
    {
        using var client = identity.Client();
        var chinese = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        chinese.Headers.AcceptLanguage.ParseAdd("zh-CN,zh;q=0.9");
        var page = await (await client.SendAsync(chinese)).Content.ReadAsStringAsync();
        Assert.Contains("<title>登录 · VulnPlatform</title>", page);
        Assert.Contains("autocomplete=\"current-password\"", page);
        Assert.Contains("autocomplete=\"username\"", page);

        using var browser = identity.Browser();
        await browser.OpenAsync("/account/language?culture=zh-CN&returnUrl=%2Faccount%2Fsign-in");
        var switched = await browser.OpenAsync("/account/sign-in");
        Assert.Equal("zh-CN", switched.Document.DocumentElement.GetAttribute("lang"));
        var back = await browser.OpenAsync("/account/language?culture=en&returnUrl=https%3A%2F%2Fevil.example%2F");
        Assert.Null(browser.LeftTo); // the switch never redirects off the site
        Assert.Equal("Sign in · VulnPlatform", (await browser.OpenAsync("/account/sign-in")).Document.Title);
        Assert.Equal("/account/sign-in", back.Address.AbsolutePath); // /account, signed out, leads to sign-in
    }

    public static TheoryData<string> LeavingAddresses => ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
        "\\\\evil.example", "https://evil.example/", "/%09/evil.example", " //evil.example", "/\u3000/evil.example", "/报告"];

    [Theory]
    [MemberData(nameof(LeavingAddresses))]
    public async Task The_language_switch_never_sends_the_browser_off_the_site(string returnUrl)
    {
        using var browser = identity.Browser();
        await browser.OpenAsync($"/account/language?culture=en&returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Null(browser.LeftTo);
        Assert.NotEmpty(browser.Redirects);
        // As a browser reads a Location: tabs and line breaks dropped, a backslash taken for a slash.
        Assert.All(browser.Redirects, location =>
        {
            var read = new string(location.Where(c => c is not ('\t' or '\n' or '\r')).ToArray()).Replace('\\', '/');
            Assert.True(read.StartsWith('/') && !read.StartsWith("//") && location.All(c => c is > ' ' and < (char)0x7f), $"Location: {location}");
        });
    }

    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/account/register")]
    [InlineData("/account/enrol")]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/connect/authorize")]
    [InlineData("/api/identity/accounts")]
    [InlineData("/account/identity.css")]
    public async Task Every_answer_carries_a_strict_content_security_policy_and_refuses_framing(string path)
    {
        using var client = identity.Client();
        var response = await client.GetAsync(path);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Forms_refuse_a_post_without_the_antiforgery_token_and_sign_in_pages_are_never_cached()
    {
        using var client = identity.Client();
        var forged = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = IdentityFixture.AdminEmail, ["password"] = IdentityFixture.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var page = await client.GetAsync("/account/sign-in");
        Assert.Contains("no-store", page.Headers.CacheControl!.ToString());
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-vp-antiforgery") && c.Contains("secure") && c.Contains("httponly"));
    }

    [Fact]
    public async Task The_sign_in_page_sends_nobody_elsewhere_after_sign_in()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        var signedIn = await SignInPagesAsync(browser, email, Password, "https://evil.example/steal");
        Assert.Null(browser.LeftTo);
        Assert.Equal("/account", signedIn.Address.AbsolutePath);
    }
}
