using System.Net;
using System.Text.Json;
using VulnPlatform.Testing;
using static VulnPlatform.Identity.Tests.SignInFlowTests;

namespace VulnPlatform.Identity.Tests;

/// <summary>
/// What a thief holding a copy of the session cookie, a refresh token or an access token taken before
/// a sign-out or a security change can still do: nothing. The browser that made the change carries on.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class SessionRevocationTests(IdentityFixture identity)
{
    private const string Password = "a long passphrase nobody guesses";
    private const string NewPassword = "another long passphrase entirely";

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_and_a_copied_cookie_gets_no_code()
    {
        var jar = new CookieContainer();
        using var browser = identity.Browser(jar);
        var email = await RegisterAsync(browser);
        await SignInPagesAsync(browser, email, Password, "/account");
        var stolen = Copy(jar);
        Assert.True(await GetsCodeAsync(Copy(stolen)), "the copy did not work even before the sign-out");

        await browser.OpenAsync("/connect/logout");
        Assert.False(await GetsCodeAsync(Copy(stolen)), "a copy of the signed-out session's cookie still got a code");
        using var thief = identity.Browser(Copy(stolen));
        Assert.Equal("/account/sign-in", (await thief.OpenAsync("/account")).Address.AbsolutePath);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("two-factor-off")]
    [InlineData("recovery-codes")]
    public async Task A_security_change_ends_every_other_session_and_every_token_from_before_it(string change)
    {
        var jar = new CookieContainer();
        using var browser = identity.Browser(jar);
        var email = await RegisterAsync(browser);
        await SignInPagesAsync(browser, email, Password, "/account");
        var enrol = await browser.OpenAsync("/account/enrol");
        var secret = enrol.Document.QuerySelector(".secret")!.TextContent.Trim();
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        await browser.SubmitAsync(enrol, new Dictionary<string, string> { ["code"] = Code(secret) });
        var tokens = await TokensAsync(jar);
        var stolen = Copy(jar);
        Assert.True(await GetsCodeAsync(Copy(stolen)));

        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        var account = await browser.OpenAsync("/account");
        var done = change switch
        {
            "password" => await browser.SubmitAsync(await browser.OpenAsync("/account/change-password"),
                new Dictionary<string, string> { ["currentPassword"] = Password, ["newPassword"] = NewPassword, ["confirmPassword"] = NewPassword }),
            "two-factor-off" => await browser.SubmitAsync(account, new Dictionary<string, string> { ["code"] = Code(secret) }, handler: "DisableTwoFactor"),
            _ => await browser.SubmitAsync(account, new Dictionary<string, string> { ["code"] = Code(secret) }, handler: "RegenerateRecoveryCodes"),
        };
        Assert.Equal(HttpStatusCode.OK, done.Status);

        using var api = identity.Client();
        var (refreshed, error) = await OAuth.TokenAsync(api, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = OAuth.Cli, ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var userInfo = await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/connect/userinfo", tokens.GetProperty("access_token").GetString()!));
        Assert.Equal(HttpStatusCode.Unauthorized, userInfo.StatusCode);
        Assert.False(await GetsCodeAsync(Copy(stolen)), "a cookie copied before the change still got a code");

        // The browser that made the change is still signed in, and its new tokens work.
        Assert.True(await GetsCodeAsync(Copy(jar)), "the session that made the change was ended too");
        var fresh = await TokensAsync(jar);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/connect/userinfo", fresh.GetProperty("access_token").GetString()!))).StatusCode);
    }

    private string Code(string base32) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(base32)).ComputeTotp(identity.Clock.GetUtcNow().UtcDateTime);

    private static CookieContainer Copy(CookieContainer jar)
    {
        var copy = new CookieContainer();
        copy.Add(jar.GetAllCookies());
        return copy;
    }

    /// <summary>The authorization endpoint answers with a code at once (no sign-in page) for the session in <paramref name="jar"/>.</summary>
    private async Task<bool> GetsCodeAsync(CookieContainer jar) => await CodeAsync(jar) is not null;

    private async Task<(string Code, string Redirect, OAuth.Pkce Pkce)?> CodeAsync(CookieContainer jar)
    {
        using var browser = identity.Browser(jar);
        var pkce = OAuth.Pkce.New();
        var redirect = $"http://127.0.0.1:{Random.Shared.Next(49152, 65535)}/callback";
        await browser.OpenAsync(OAuth.AuthorizeUrl(OAuth.Cli, redirect, pkce, "state"));
        return browser.LeftTo is { } left && OAuth.Query(left).TryGetValue("code", out var code) ? (code, redirect, pkce) : null;
    }

    private async Task<JsonElement> TokensAsync(CookieContainer jar)
    {
        var (code, redirect, pkce) = (await CodeAsync(jar))!.Value;
        using var client = identity.Client();
        var (response, tokens) = await OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = OAuth.Cli, ["code"] = code, ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return tokens;
    }
}
