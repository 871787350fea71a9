using System.Net;
using System.Text.Json;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>Identity as clients meet it: through the gateway, over HTTPS, naming the gateway as issuer.</summary>
public sealed class IdentityThroughGatewayTests
{
    [Fact]
    public async Task Discovery_and_keys_are_served_through_the_gateway_with_the_gateway_as_issuer()
    {
        using var client = Platform.Client();
        var discovery = JsonDocument.Parse(await client.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(Platform.Gateway.AbsoluteUri, discovery.GetProperty("issuer").GetString());
        Assert.Equal(new Uri(Platform.Gateway, "connect/token").AbsoluteUri, discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));

        var keys = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks")).RootElement.GetProperty("keys");
        Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("kid").GetString() == "local-1" && k.GetProperty("kty").GetString() == "RSA");
        Assert.DoesNotContain(keys.EnumerateArray(), k => k.TryGetProperty("d", out _)); // never the private part
    }

    [Fact]
    public async Task The_sign_in_page_keeps_its_own_policy_through_the_gateway_and_its_style_sheet_loads()
    {
        using var client = Platform.Client();
        var page = await client.GetAsync("/account/sign-in");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("style-src 'self'", csp);
        Assert.DoesNotContain(",", csp); // one policy, not the gateway's and Identity's joined
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.True(page.Headers.Contains("Strict-Transport-Security"));
        var css = await client.GetAsync("/account/identity.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Identitys_api_description_names_the_gateway_and_how_to_sign_in()
    {
        using var client = Platform.Client();
        var document = JsonDocument.Parse(await client.GetStringAsync("/api/openapi/identity.json")).RootElement;
        Assert.Equal(Platform.Gateway.AbsoluteUri.TrimEnd('/'), document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/identity/accounts", out _));
        Assert.DoesNotContain(document.GetProperty("paths").EnumerateObject(), p => p.Name.StartsWith("/internal"));
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("vulnplatform");
        Assert.Equal("openIdConnect", scheme.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_service_gets_a_client_credentials_token_through_the_gateway()
    {
        var keys = Environment.GetEnvironmentVariable("VP_TEST_BROKER_KEYS")
            ?? throw new InvalidOperationException("VP_TEST_BROKER_KEYS is not set: run the end-to-end tests with `make test`.");
        using var client = Platform.Client();
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "notification",
            ["client_secret"] = (await File.ReadAllTextAsync(Path.Combine(keys, "notification-client"))).Trim(),
            ["scope"] = "intake.contact.read",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.InRange(token.GetProperty("expires_in").GetInt32(), 1, 600);
    }
}
