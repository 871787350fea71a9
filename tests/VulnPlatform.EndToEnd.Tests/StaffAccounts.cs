using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>Staff and vendor accounts made by the development admin, signed in the way people sign in (pages, TOTP, code + PKCE).</summary>
public static class StaffAccounts
{
    /// <summary>A new account with <paramref name="role"/>, signed in: its access token.</summary>
    public static async Task<string> TokenAsync(string role, Guid? vendorOrganisationId = null) => (await CreateAsync(role, vendorOrganisationId)).Token;

    /// <summary>A staff or vendor person as a browser test needs them: the address, password and authenticator secret they enrolled, and a token.</summary>
    public sealed record Person(string Email, string Password, string TotpSecret, string Token)
    {
        private long _lastStep = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

        /// <summary>A code of a time step this person has not used yet (the enrolment used one; each is accepted once).</summary>
        public async Task<string> FreshCodeAsync()
        {
            var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            if (step <= Interlocked.Read(ref _lastStep))
            {
                await Task.Delay(TimeSpan.FromSeconds(30 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30 + 1));
            }
            Interlocked.Exchange(ref _lastStep, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
            return new Totp(Base32Encoding.ToBytes(TotpSecret)).ComputeTotp();
        }
    }

    /// <summary>
    /// The development admin creates an account with <paramref name="role"/> (a vendor bound to
    /// <paramref name="vendorOrganisationId"/>), who enrols an authenticator at first sign-in and gets a token.
    /// </summary>
    public static async Task<Person> CreateAsync(string role, Guid? vendorOrganisationId = null)
    {
        var keys = Environment.GetEnvironmentVariable("VP_TEST_BROKER_KEYS")
            ?? throw new InvalidOperationException("VP_TEST_BROKER_KEYS is not set: run the end-to-end tests with `make test`.");
        var adminPassword = (await File.ReadAllTextAsync(Path.Combine(keys, "dev-admin-password"))).Trim();
        var adminSecret = (await File.ReadAllTextAsync(Path.Combine(keys, "dev-admin-totp"))).Trim();
        var admin = await Admin.GetOrAdd(0, _ => SignInAsync("admin@vulnplatform.local", adminPassword, async (browser, page) =>
            await browser.SubmitAsync(page, new Dictionary<string, string> { ["code"] = await FreshCodeAsync(adminSecret) })));

        using var api = Platform.Client();
        var email = $"{role}{Guid.NewGuid():N}@example.org";
        // A vendor's organisation was just registered in vendor coordination: Identity accepts the binding
        // once it has heard of the organisation on the bus.
        HttpResponseMessage created = null!;
        await Eventually.HoldsAsync(async () =>
        {
            created = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/identity/accounts", admin,
                JsonContent.Create(new { email, roles = new[] { role }, vendorOrganisationId })));
            return created.StatusCode != HttpStatusCode.BadRequest || vendorOrganisationId is null;
        }, TimeSpan.FromSeconds(30));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var password = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("initialPassword").GetString()!;

        string secret = "";
        var token = await SignInAsync(email, password, async (browser, enrolment) =>
        {
            secret = enrolment.Document.QuerySelector(".secret")!.TextContent.Trim();
            var done = await browser.SubmitAsync(enrolment, new Dictionary<string, string> { ["code"] = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp() });
            return await browser.OpenAsync(done.Document.QuerySelector("a.button")!.GetAttribute("href")!);
        });
        return new Person(email, password, secret, token);
    }

    private static async Task<string> SignInAsync(string email, string password, Func<Browser, Page, Task<Page>> secondStep)
    {
        using var browser = new Browser(Platform.Client());
        var pkce = OAuth.Pkce.New();
        var redirect = $"http://127.0.0.1:{Random.Shared.Next(49152, 65535)}/callback";
        var signIn = await browser.OpenAsync(OAuth.AuthorizeUrl(OAuth.Cli, redirect, pkce, "e2e"));
        var next = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["email"] = email, ["password"] = password });
        await secondStep(browser, next);
        var (response, tokens) = await OAuth.TokenAsync(browser.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = OAuth.Cli, ["code"] = OAuth.Query(browser.LeftTo!)["code"],
            ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return tokens.GetProperty("access_token").GetString()!;
    }

    /// <summary>A code of a time step not used yet (each code is accepted once): waits for the next step when this one was spent.</summary>
    private static async Task<string> FreshCodeAsync(string secret)
    {
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        if (Interlocked.Exchange(ref _lastAdminStep, step) == step)
        {
            await Task.Delay(TimeSpan.FromSeconds(30 - DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 30 + 1));
            Interlocked.Exchange(ref _lastAdminStep, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        }
        return totp.ComputeTotp();
    }

    private static long _lastAdminStep;

    /// <summary>One admin sign-in per test run (its token lives 10 minutes; each TOTP step signs in once).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Task<string>> Admin = new();

}
