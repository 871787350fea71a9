using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.Identity.Tests;

/// <summary>
/// The authorization code flow with PKCE walked as a person and a command-line client do it: the
/// pages' forms, the redirect to a loopback port, the token requests.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class SignInFlowTests(IdentityFixture identity)
{
    private const string Password = "a long passphrase nobody guesses";

    [Fact]
    public async Task A_reporter_registers_signs_in_with_code_and_pkce_and_gets_a_signed_token_of_at_most_ten_minutes()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);

        var (code, redirect, pkce) = await AuthorizeAsync(browser, email, Password);
        var (response, tokens) = await OAuth.TokenAsync(browser.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = OAuth.Cli, ["code"] = code,
            ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(tokens.GetProperty("expires_in").GetInt32(), 1, 600);
        var (header, payload) = OAuth.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal("test-signing-1", header.GetProperty("kid").GetString());
        Assert.Equal("https://localhost/", payload.GetProperty("iss").GetString());
        Assert.Equal("vulnplatform-api", payload.GetProperty("aud").ValueKind == JsonValueKind.Array
            ? payload.GetProperty("aud")[0].GetString() : payload.GetProperty("aud").GetString());
        Assert.Equal("reporter", payload.GetProperty("role").GetString());
        Assert.InRange(payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64(), 1, 600);
        Assert.False(payload.TryGetProperty("email", out _)); // the address stays out of access tokens
        var (_, idToken) = OAuth.Read(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(email, idToken.GetProperty("email").GetString());
        Assert.Equal(payload.GetProperty("sub").GetString(), idToken.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_presenting_a_spent_one_revokes_the_whole_family()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        var first = await SignInForTokensAsync(browser, email);

        var (rotated, second) = await RefreshAsync(browser.Client, first.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first.GetProperty("refresh_token").GetString(), second.GetProperty("refresh_token").GetString());

        // The first one again (stolen, replayed): refused, and the family it belongs to is revoked.
        var (replayed, error) = await RefreshAsync(browser.Client, first.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var (revoked, _) = await RefreshAsync(browser.Client, second.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, revoked.StatusCode);
    }

    [Fact]
    public async Task The_cli_client_may_redirect_to_any_loopback_port_but_not_elsewhere()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        await SignInPagesAsync(browser, email, Password, "/account");

        foreach (var port in new[] { 50001, 61234 })
        {
            var redirect = $"http://127.0.0.1:{port}/callback";
            await browser.OpenAsync(OAuth.AuthorizeUrl(OAuth.Cli, redirect, OAuth.Pkce.New(), "s"));
            Assert.StartsWith(redirect + "?", browser.LeftTo!.AbsoluteUri);
        }

        var elsewhere = await browser.Client.GetAsync(OAuth.AuthorizeUrl(OAuth.Cli, "http://evil.example:50001/callback", OAuth.Pkce.New(), "s"));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Null(elsewhere.Headers.Location);
    }

    [Fact]
    public async Task The_web_backend_redeems_its_code_only_with_its_secret_and_only_at_its_own_redirect()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        await SignInPagesAsync(browser, email, Password, "/account");
        const string redirect = "https://localhost:8443/signin-oidc";
        var pkce = OAuth.Pkce.New();

        var elsewhere = await browser.Client.GetAsync(OAuth.AuthorizeUrl("vulnplatform-web", "http://127.0.0.1:5000/callback", pkce, "s"));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);

        await browser.OpenAsync(OAuth.AuthorizeUrl("vulnplatform-web", redirect, pkce, "s"));
        var code = OAuth.Query(browser.LeftTo!)["code"];
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "vulnplatform-web", ["code"] = code,
            ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
        };
        var (withoutSecret, _) = await OAuth.TokenAsync(browser.Client, form);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutSecret.StatusCode); // invalid_client
        form["client_secret"] = IdentityFixture.WebSecret;
        var (withSecret, tokens) = await OAuth.TokenAsync(browser.Client, form);
        Assert.Equal(HttpStatusCode.OK, withSecret.StatusCode);
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task A_reporter_may_add_an_authenticator_and_turn_it_off_only_with_a_current_code()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        await SignInPagesAsync(browser, email, Password, "/account");
        var enrol = await browser.OpenAsync("/account/enrol");
        var secret = enrol.Document.QuerySelector(".secret")!.TextContent.Trim();
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        await browser.SubmitAsync(enrol, new Dictionary<string, string> { ["code"] = TotpCode(secret) });
        var account = await browser.OpenAsync("/account");
        Assert.Contains("on", account.Document.QuerySelector("dl")!.TextContent);

        var wrong = await browser.SubmitAsync(account, new Dictionary<string, string> { ["code"] = "123456" }, handler: "DisableTwoFactor");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        var off = await browser.SubmitAsync(wrong, new Dictionary<string, string> { ["code"] = TotpCode(secret) }, handler: "DisableTwoFactor");
        Assert.Equal(HttpStatusCode.OK, off.Status);
        Assert.Contains("off", off.Document.QuerySelector("dl")!.TextContent);

        // Signing in again asks for the password only.
        using var again = identity.Browser();
        Assert.Equal("/account", (await SignInPagesAsync(again, email, Password, "/account")).Address.AbsolutePath);
    }

    private string TotpCode(string base32) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(base32)).ComputeTotp(identity.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task Pkce_is_required_and_only_s256_is_offered()
    {
        using var client = identity.Client();
        var discovery = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks")).RootElement;
        // Both configured keys are published (rollover); the first signs (see the token test).
        Assert.Equal(["test-signing-1", "test-signing-2"], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).Order());
        Assert.DoesNotContain(jwks.GetProperty("keys").EnumerateArray(), k => k.TryGetProperty("d", out _));

        var noPkce = OAuth.Url("/connect/authorize", new Dictionary<string, string>
        {
            ["client_id"] = OAuth.Cli, ["redirect_uri"] = "http://127.0.0.1:5000/callback", ["response_type"] = "code", ["scope"] = "openid",
        });
        var plain = OAuth.AuthorizeUrl(OAuth.Cli, "http://127.0.0.1:5000/callback", new OAuth.Pkce("x", new string('a', 43)), "s").Replace("S256", "plain");
        foreach (var url in new[] { noPkce, plain })
        {
            // Refused before anyone is asked to sign in: an error to the client, never a code.
            var response = await client.GetAsync(url);
            var location = response.Headers.Location?.AbsoluteUri ?? "";
            Assert.DoesNotContain("code=", location);
            Assert.DoesNotContain("/account/sign-in", location);
            Assert.True(location.Contains("error=invalid_request") || response.StatusCode == HttpStatusCode.BadRequest,
                $"{response.StatusCode} {location}");
        }
    }

    [Fact]
    public async Task Services_get_tokens_by_client_credentials_for_their_scopes_only()
    {
        using var client = identity.Client();
        var (ok, tokens) = await OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "notification", ["client_secret"] = IdentityFixture.NotificationSecret,
            ["scope"] = "intake.contact.read",
        });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (_, payload) = OAuth.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("notification", payload.GetProperty("sub").GetString());
        Assert.Equal("intake", payload.GetProperty("aud").GetString());
        Assert.Equal("intake.contact.read", payload.GetProperty("scope").GetString());

        var (wrongSecret, _) = await OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "notification", ["client_secret"] = "not-the-secret-not-the-secret-not-the-secret",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        var (otherScope, error) = await OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "notification", ["client_secret"] = IdentityFixture.NotificationSecret,
            ["scope"] = "disclosure.embargo.read",
        });
        Assert.Equal(HttpStatusCode.BadRequest, otherScope.StatusCode);
        Assert.Equal("invalid_scope", error.GetProperty("error").GetString());
        var (publicClient, _) = await OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = OAuth.Cli,
        });
        Assert.Equal(HttpStatusCode.BadRequest, publicClient.StatusCode);
    }

    [Fact]
    public async Task Notification_reads_an_account_holders_address_and_confirmation_link_with_its_token_and_nobody_else_does()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        var personal = await SignInForTokensAsync(browser, email);
        var accountId = OAuth.Read(personal.GetProperty("access_token").GetString()!).Payload.GetProperty("sub").GetString();
        using var client = identity.Client();
        var (_, service) = await OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "notification", ["client_secret"] = IdentityFixture.NotificationSecret,
            ["scope"] = "identity.contact.read",
        });

        var contact = await client.SendAsync(Requests.Bearer(HttpMethod.Get, $"/internal/accounts/{accountId}/contact", service.GetProperty("access_token").GetString()!));
        Assert.Equal(HttpStatusCode.OK, contact.StatusCode);
        var body = JsonDocument.Parse(await contact.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.False(body.GetProperty("emailConfirmed").GetBoolean());
        Assert.Equal("no-store", contact.Headers.CacheControl?.ToString());

        // The person's own token, and no token, are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(Requests.Bearer(HttpMethod.Get, $"/internal/accounts/{accountId}/contact",
            personal.GetProperty("access_token").GetString()!))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/internal/accounts/{accountId}/contact")).StatusCode);

        // The confirmation link Notification would send confirms the address.
        var requestId = await OpenConfirmationAsync(Guid.Parse(accountId!));
        var message = JsonDocument.Parse(await (await client.SendAsync(Requests.Bearer(HttpMethod.Get,
            $"/internal/accounts/{accountId}/email-confirmations/{requestId}", service.GetProperty("access_token").GetString()!))).Content.ReadAsStringAsync()).RootElement;
        var link = new Uri(message.GetProperty("link").GetString()!);
        Assert.Equal("/account/confirm-email", link.AbsolutePath);
        var confirmed = await browser.OpenAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        var after = JsonDocument.Parse(await (await client.SendAsync(Requests.Bearer(HttpMethod.Get, $"/internal/accounts/{accountId}/contact",
            service.GetProperty("access_token").GetString()!))).Content.ReadAsStringAsync()).RootElement;
        Assert.True(after.GetProperty("emailConfirmed").GetBoolean());
        // A forged or altered token confirms nothing.
        var forged = await browser.OpenAsync(link.PathAndQuery[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
    }

    private async Task<Guid> OpenConfirmationAsync(Guid accountId)
    {
        var account = await identity.Services.GetRequiredService<VulnPlatform.Identity.Accounts.AccountStore>().FindAsync(accountId, CancellationToken.None);
        return account!.OpenConfirmationRequest!.Value;
    }

    [Fact]
    public async Task Registration_refuses_short_common_and_mismatched_passwords_with_the_reason_and_never_says_an_address_is_taken()
    {
        using var browser = identity.Browser();
        var email = $"r{Guid.NewGuid():N}@example.org";
        foreach (var (password, confirm, reason) in new[]
                 {
                     ("short", "short", "12"), ("passwordpassword", "passwordpassword", "common"),
                     ("a long passphrase nobody guesses", "another long passphrase", "differ"),
                 })
        {
            var page = await browser.OpenAsync("/account/register");
            var refused = await browser.SubmitAsync(page, new Dictionary<string, string> { ["email"] = email, ["password"] = password, ["confirmPassword"] = confirm });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(reason, refused.Error);
        }

        await RegisterAsync(browser, email);
        var again = await browser.SubmitAsync(await browser.OpenAsync("/account/register"),
            new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["confirmPassword"] = Password });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.NotNull(again.Document.QuerySelector("[role=status]"));
    }

    // ---- helpers: what a person and a client do ----

    internal static async Task<string> RegisterAsync(Browser browser, string? email = null)
    {
        email ??= $"r{Guid.NewGuid():N}@example.org";
        var page = await browser.OpenAsync("/account/register");
        var done = await browser.SubmitAsync(page, new Dictionary<string, string> { ["email"] = email, ["password"] = Password, ["confirmPassword"] = Password });
        Assert.Equal(HttpStatusCode.OK, done.Status);
        return email;
    }

    internal static async Task<Page> SignInPagesAsync(Browser browser, string email, string password, string returnUrl)
    {
        var page = await browser.OpenAsync($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return await browser.SubmitAsync(page, new Dictionary<string, string> { ["email"] = email, ["password"] = password });
    }

    /// <summary>Starts at the authorization endpoint, signs in on the pages it leads to, and returns the code at the loopback redirect.</summary>
    internal static async Task<(string Code, string Redirect, OAuth.Pkce Pkce)> AuthorizeAsync(
        Browser browser, string email, string password, Func<Browser, Page, Task<Page>>? secondStep = null)
    {
        var pkce = OAuth.Pkce.New();
        var redirect = $"http://127.0.0.1:{Random.Shared.Next(49152, 65535)}/callback";
        var state = Guid.NewGuid().ToString("N");
        var signIn = await browser.OpenAsync(OAuth.AuthorizeUrl(OAuth.Cli, redirect, pkce, state));
        Assert.Equal("/account/sign-in", signIn.Address.AbsolutePath);
        var next = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["email"] = email, ["password"] = password });
        if (secondStep is not null) await secondStep(browser, next);
        var query = OAuth.Query(browser.LeftTo!);
        Assert.Equal(state, query["state"]);
        return (query["code"], redirect, pkce);
    }

    internal static async Task<JsonElement> SignInForTokensAsync(Browser browser, string email, string password = Password,
        Func<Browser, Page, Task<Page>>? secondStep = null)
    {
        var (code, redirect, pkce) = await AuthorizeAsync(browser, email, password, secondStep);
        var (response, tokens) = await OAuth.TokenAsync(browser.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = OAuth.Cli, ["code"] = code,
            ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return tokens;
    }

    private static Task<(HttpResponseMessage, JsonElement)> RefreshAsync(HttpClient client, string refreshToken) =>
        OAuth.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = OAuth.Cli, ["refresh_token"] = refreshToken,
        });

}
