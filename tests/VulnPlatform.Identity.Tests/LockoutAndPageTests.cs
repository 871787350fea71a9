using VulnPlatform.Testing;
using System.Net;
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
    public async Task An_unknown_address_gets_the_same_answer_as_a_wrong_password()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        var wrongPassword = await SignInPagesAsync(browser, email, "not the passphrase at all", "/account");
        var unknown = await SignInPagesAsync(browser, $"nobody{Guid.NewGuid():N}@example.org", "not the passphrase at all", "/account");
        Assert.Equal(wrongPassword.Status, unknown.Status);
        Assert.Equal(wrongPassword.Error, unknown.Error);
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
