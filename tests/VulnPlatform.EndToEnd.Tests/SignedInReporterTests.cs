using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The whole way for a reporter with an account, through the gateway over HTTPS: register on
/// Identity's pages, sign in with code + PKCE as the command-line client does, submit with the
/// token, find the report in "my reports". Intake and the gateway check the token against
/// Identity's real keys.
/// </summary>
public sealed class SignedInReporterTests
{
    private const string Password = "a long passphrase for the end-to-end test";

    [Fact]
    public async Task A_reporter_registers_signs_in_submits_with_the_token_and_only_they_see_the_report()
    {
        var alice = await SignedInAsync();
        var bob = await SignedInAsync();
        using var api = Platform.Client();

        var submitted = await api.SendAsync(Requests.Bearer(HttpMethod.Post, "/api/reports", alice, JsonContent.Create(new
        {
            kind = "vulnerability", title = "Stored XSS in the profile page", description = "The display name is rendered without encoding.",
            product = new { vendor = "Example", name = "Portal", version = "1.2" }, thirdParty = false,
            stepsToReproduce = "Set the display name to <script>alert(1)</script> and open the profile.",
            impact = "Script runs in the session of anyone viewing the profile.",
        })));
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());
        var trackingNumber = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString()!;

        var mine = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/reports", alice))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(trackingNumber, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("trackingNumber").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/reports/{trackingNumber}", alice))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/reports/{trackingNumber}", bob))).StatusCode);
        var bobs = await (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/reports", bob))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, bobs.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/reports", alice + "x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(Requests.Bearer(HttpMethod.Get, "/api/identity/accounts", alice))).StatusCode);
    }

    [Fact]
    public async Task Registration_e_mails_a_confirmation_link_that_confirms_the_address_and_a_sign_in_is_reported_to_the_owner()
    {
        var email = $"confirm{Guid.NewGuid():N}@example.org";
        await SignedInAsync(email);

        // Notification fetched the link from Identity (its secret never crossed the bus) and mailed it.
        var confirmation = await MailAsync(email, m => m.Subject!.Contains("Confirm your e-mail address"));
        var link = confirmation.TextBody!.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(Platform.Gateway.ToString().TrimEnd('/') + "/account/confirm-email", StringComparison.Ordinal));
        using var browser = new Browser(Platform.Client());
        var page = await browser.OpenAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Your e-mail address is confirmed.", page.Document.QuerySelector("[role=status]")!.TextContent);

        var signIn = await MailAsync(email, m => m.Subject!.Contains("New sign-in"));
        Assert.Contains("password", signIn.TextBody);
    }

    private static async Task<MimeKit.MimeMessage> MailAsync(string to, Func<MimeKit.MimeMessage, bool> which)
    {
        var folder = Environment.GetEnvironmentVariable("VP_TEST_MAIL_DIR")
            ?? throw new InvalidOperationException("VP_TEST_MAIL_DIR is not set: run the end-to-end tests with `make test`.");
        MimeKit.MimeMessage? found = null;
        Assert.True(await Eventually.HoldsAsync(() =>
        {
            found = (Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : []).Select(f => MimeKit.MimeMessage.Load(f))
                .FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == to) && which(m));
            return Task.FromResult(found is not null);
        }, TimeSpan.FromSeconds(30)), $"no such e-mail to {to}");
        return found!;
    }

    /// <summary>Registers a new reporter on the pages and signs in through the authorization endpoint; returns the access token.</summary>
    private static async Task<string> SignedInAsync(string? address = null)
    {
        using var browser = new Browser(Platform.Client());
        var email = address ?? $"e2e{Guid.NewGuid():N}@example.org";
        var register = await browser.OpenAsync("/account/register");
        var registered = await browser.SubmitAsync(register, new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = Password, ["confirmPassword"] = Password,
        });
        Assert.Equal(HttpStatusCode.OK, registered.Status);

        var pkce = OAuth.Pkce.New();
        var redirect = $"http://127.0.0.1:{Random.Shared.Next(49152, 65535)}/callback";
        var signIn = await browser.OpenAsync(OAuth.AuthorizeUrl(OAuth.Cli, redirect, pkce, "e2e"));
        await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["email"] = email, ["password"] = Password });
        var code = OAuth.Query(browser.LeftTo ?? throw new InvalidOperationException("no redirect to the client"))["code"];

        var (response, tokens) = await OAuth.TokenAsync(browser.Client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = OAuth.Cli, ["code"] = code, ["redirect_uri"] = redirect, ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return tokens.GetProperty("access_token").GetString()!;
    }

}
