using VulnPlatform.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;
using static VulnPlatform.Identity.Tests.SignInFlowTests;

namespace VulnPlatform.Identity.Tests;

/// <summary>
/// Staff accounts: the first admin (from configuration) signs in with password and authenticator,
/// creates an analyst through the API; the analyst gets no token before enrolling an authenticator.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class StaffAccountTests(IdentityFixture identity)
{
    [Fact]
    public async Task An_admin_creates_an_analyst_who_must_enrol_an_authenticator_before_any_token_and_gets_ten_recovery_codes()
    {
        var adminToken = await AdminTokenAsync();
        using var api = identity.Client();
        var email = $"analyst{Guid.NewGuid():N}@example.org";
        var created = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", adminToken,
            JsonContent.Create(new { email, roles = new[] { "analyst" } })));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var initialPassword = body.GetProperty("initialPassword").GetString()!;

        using var browser = identity.Browser();
        string? secret = null;
        IReadOnlyList<string> recoveryCodes = [];
        var tokens = await SignInForTokensAsync(browser, email, initialPassword, async (b, enrolment) =>
        {
            Assert.Equal("/account/enrol", enrolment.Address.AbsolutePath);
            Assert.Null(b.LeftTo); // no code before the authenticator is confirmed
            secret = enrolment.Document.QuerySelector(".secret")!.TextContent.Trim();
            Assert.StartsWith("data:image/svg+xml;base64,", enrolment.Document.QuerySelector("img.qr")!.GetAttribute("src"));
            Assert.Contains($"otpauth://totp/VulnPlatform:{Uri.EscapeDataString(email)}?secret={secret}&issuer=VulnPlatform",
                enrolment.Document.QuerySelector(".otpauth a")!.GetAttribute("href"));

            var wrong = await b.SubmitAsync(enrolment, new Dictionary<string, string> { ["code"] = "000000" });
            Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
            var done = await b.SubmitAsync(wrong, new Dictionary<string, string> { ["code"] = Code(secret, identity.Clock.GetUtcNow()) });
            recoveryCodes = done.Document.QuerySelectorAll(".recovery-codes code").Select(c => c.TextContent).ToList();
            return await b.OpenAsync(done.Document.QuerySelector("a.button")!.GetAttribute("href")!);
        });

        Assert.Equal(10, recoveryCodes.Distinct().Count());
        var (_, payload) = OAuth.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("analyst", payload.GetProperty("role").GetString());

        // The analyst is staff, not admin.
        var forbidden = await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/accounts", tokens.GetProperty("access_token").GetString()!));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        // Later sign-ins ask for the code; a recovery code works once.
        identity.Clock.Advance(TimeSpan.FromSeconds(31));
        using var later = identity.Browser();
        await SignInForTokensAsync(later, email, initialPassword, (b, step) =>
            b.SubmitAsync(step, new Dictionary<string, string> { ["recoveryCode"] = recoveryCodes[0] }));
        using var again = identity.Browser();
        var page = await SignInPagesAsync(again, email, initialPassword, "/account");
        var refused = await again.SubmitAsync(page, new Dictionary<string, string> { ["recoveryCode"] = recoveryCodes[0] });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task A_vendor_account_carries_its_organisation_in_its_tokens()
    {
        var admin = await AdminTokenAsync();
        using var api = identity.Client();
        var organisation = await identity.RegisteredOrganisationAsync();
        var email = $"vendor{Guid.NewGuid():N}@example.org";
        var created = await (await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", admin,
            JsonContent.Create(new { email, roles = new[] { "vendor" }, vendorOrganisationId = organisation })))).Content.ReadFromJsonAsync<JsonElement>();

        using var browser = identity.Browser();
        var tokens = await SignInForTokensAsync(browser, email, created.GetProperty("initialPassword").GetString()!, async (b, enrolment) =>
        {
            var secret = enrolment.Document.QuerySelector(".secret")!.TextContent.Trim();
            var done = await b.SubmitAsync(enrolment, new Dictionary<string, string> { ["code"] = Code(secret, identity.Clock.GetUtcNow()) });
            return await b.OpenAsync(done.Document.QuerySelector("a.button")!.GetAttribute("href")!);
        });

        var (_, payload) = OAuth.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("vendor", payload.GetProperty("role").GetString());
        Assert.Equal(organisation.ToString(), payload.GetProperty("vendor_org").GetString());
    }

    [Fact]
    public async Task An_admin_cannot_bind_a_vendor_account_or_role_to_an_organisation_vendor_coordination_never_registered()
    {
        var admin = await AdminTokenAsync();
        using var api = identity.Client();
        var madeUp = Guid.NewGuid();
        var email = $"vendor{Guid.NewGuid():N}@example.org";

        var refused = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", admin,
            JsonContent.Create(new { email, roles = new[] { "vendor" }, vendorOrganisationId = madeUp })));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://vulnplatform.dev/problems/validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("vendorOrganisationId", out _), problem.ToString());
        var listed = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/accounts?pageSize=200", admin))).Content.ReadAsStringAsync();
        Assert.DoesNotContain(email, listed);

        // An analyst's account is not given the vendor role for a made-up organisation either; a registered one is accepted.
        var analyst = await (await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", admin,
            JsonContent.Create(new { email, roles = new[] { "analyst" } })))).Content.ReadFromJsonAsync<JsonElement>();
        var id = analyst.GetProperty("account").GetProperty("id").GetGuid();
        var grant = await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/identity/accounts/{id}/roles", admin,
            JsonContent.Create(new { role = "vendor", vendorOrganisationId = madeUp })));
        Assert.Equal(HttpStatusCode.BadRequest, grant.StatusCode);
        var unchanged = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/identity/accounts/{id}", admin))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new[] { "analyst" }, unchanged.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var registered = await identity.RegisteredOrganisationAsync();
        var granted = await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/identity/accounts/{id}/roles", admin,
            JsonContent.Create(new { role = "vendor", vendorOrganisationId = registered })));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(registered, (await granted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("vendorOrganisationId").GetGuid());
    }

    [Fact]
    public async Task A_code_once_accepted_is_refused_when_presented_again()
    {
        identity.Clock.Advance(TimeSpan.FromSeconds(30)); // a step no other test used
        var now = identity.Clock.GetUtcNow();
        using var first = identity.Browser();
        var page = await SignInPagesAsync(first, IdentityFixture.AdminEmail, IdentityFixture.AdminPassword, "/account");
        var code = identity.AdminCode(now);
        Assert.Equal("/account", (await first.SubmitAsync(page, new Dictionary<string, string> { ["code"] = code })).Address.AbsolutePath);

        using var second = identity.Browser();
        var again = await SignInPagesAsync(second, IdentityFixture.AdminEmail, IdentityFixture.AdminPassword, "/account");
        var replay = await second.SubmitAsync(again, new Dictionary<string, string> { ["code"] = code });
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal("/account/two-factor", replay.Address.AbsolutePath);
    }

    [Fact]
    public async Task Recovery_codes_are_regenerated_with_a_current_code_and_a_new_one_signs_in()
    {
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = identity.Browser();
        var step = await SignInPagesAsync(browser, IdentityFixture.AdminEmail, IdentityFixture.AdminPassword, "/account");
        var account = await browser.SubmitAsync(step, new Dictionary<string, string> { ["code"] = identity.AdminCode(identity.Clock.GetUtcNow()) });
        Assert.Equal("/account", account.Address.AbsolutePath);

        // The code that signed in cannot be used again; the next step's can.
        var reused = await browser.SubmitAsync(account, new Dictionary<string, string> { ["code"] = identity.AdminCode(identity.Clock.GetUtcNow()) },
            handler: "RegenerateRecoveryCodes");
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        var regenerated = await browser.SubmitAsync(reused, new Dictionary<string, string> { ["code"] = identity.AdminCode(identity.Clock.GetUtcNow()) },
            handler: "RegenerateRecoveryCodes");
        var codes = regenerated.Document.QuerySelectorAll(".recovery-codes code").Select(c => c.TextContent).ToList();
        Assert.Equal(10, codes.Distinct().Count());

        using var other = identity.Browser();
        var second = await SignInPagesAsync(other, IdentityFixture.AdminEmail, IdentityFixture.AdminPassword, "/account");
        var recovered = await other.SubmitAsync(second, new Dictionary<string, string> { ["recoveryCode"] = codes[9] });
        Assert.Equal("/account", recovered.Address.AbsolutePath);
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_code_from_an_independent_implementation_oathtool_is_accepted_at_sign_in()
    {
        identity.Clock.Advance(TimeSpan.FromSeconds(30));
        var now = identity.Clock.GetUtcNow();
        var oathtool = Process.Start(new ProcessStartInfo("oathtool", ["--totp", "-b", $"--now=@{now.ToUnixTimeSeconds()}", identity.AdminTotpSecret])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("oathtool did not start (make test installs it)");
        var code = (await oathtool.StandardOutput.ReadToEndAsync()).Trim();
        await oathtool.WaitForExitAsync();
        Assert.Equal(0, oathtool.ExitCode);
        Assert.Matches("^[0-9]{6}$", code);

        using var browser = identity.Browser();
        var page = await SignInPagesAsync(browser, IdentityFixture.AdminEmail, IdentityFixture.AdminPassword, "/account");
        var signedIn = await browser.SubmitAsync(page, new Dictionary<string, string> { ["code"] = code });
        Assert.Equal("/account", signedIn.Address.AbsolutePath);
    }

    [Fact]
    public async Task Account_administration_answers_admins_only_and_pages_its_lists()
    {
        using var api = identity.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/identity/accounts")).StatusCode);
        using var reporter = identity.Browser();
        var reporterTokens = await SignInForTokensAsync(reporter, await RegisterAsync(reporter));
        var reporterToken = reporterTokens.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/accounts", reporterToken))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", reporterToken,
            JsonContent.Create(new { email = "x@example.org", roles = new[] { "admin" } })))).StatusCode);
        var me = await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/me", reporterToken));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        var admin = await AdminTokenAsync();
        var page = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/accounts?page=1&pageSize=2", admin))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 2);
        var badPage = await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/accounts?pageSize=5000", admin));
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Equal("application/problem+json", badPage.Content.Headers.ContentType?.MediaType);

        var vendorWithoutOrganisation = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", admin,
            JsonContent.Create(new { email = $"v{Guid.NewGuid():N}@example.org", roles = new[] { "vendor" } })));
        Assert.Equal(HttpStatusCode.BadRequest, vendorWithoutOrganisation.StatusCode);
        var unknownRole = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", admin,
            JsonContent.Create(new { email = $"v{Guid.NewGuid():N}@example.org", roles = new[] { "root" } })));
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
    }

    [Fact]
    public async Task A_disabled_account_can_neither_sign_in_nor_refresh()
    {
        using var browser = identity.Browser();
        var email = await RegisterAsync(browser);
        var tokens = await SignInForTokensAsync(browser, email);
        using var api = identity.Client();
        var me = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/me", tokens.GetProperty("access_token").GetString()!)))
            .Content.ReadFromJsonAsync<JsonElement>();

        var admin = await AdminTokenAsync();
        var disabled = await api.SendAsync(Requests.Bearer(HttpMethod.Post, $"/api/identity/accounts/{me.GetProperty("id").GetString()}/disable", admin));
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        var (refresh, _) = await OAuth.TokenAsync(api, new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = OAuth.Cli, ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        });
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        using var fresh = identity.Browser();
        var refused = await SignInPagesAsync(fresh, email, "a long passphrase nobody guesses", "/account");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    private async Task<string> AdminTokenAsync()
    {
        identity.Clock.Advance(TimeSpan.FromSeconds(30)); // a step of its own: codes are single-use
        using var browser = identity.Browser();
        var tokens = await SignInForTokensAsync(browser, IdentityFixture.AdminEmail, IdentityFixture.AdminPassword, (b, step) =>
            b.SubmitAsync(step, new Dictionary<string, string> { ["code"] = identity.AdminCode(identity.Clock.GetUtcNow()) }));
        return tokens.GetProperty("access_token").GetString()!;
    }

    private static string Code(string base32, DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(base32)).ComputeTotp(at.UtcDateTime);
}
