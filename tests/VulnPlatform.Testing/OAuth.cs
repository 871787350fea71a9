using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VulnPlatform.Testing;

/// <summary>What an OAuth client does: PKCE, the authorization request, the token requests.</summary>
public static class OAuth
{
    public const string Cli = "vulnplatform-cli";

    public sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce New()
        {
            var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
            return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }

    public static string AuthorizeUrl(string clientId, string redirectUri, Pkce pkce, string state, string scope = "openid email roles offline_access") =>
        Url("/connect/authorize", new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["response_type"] = "code", ["scope"] = scope,
            ["state"] = state, ["code_challenge"] = pkce.Challenge, ["code_challenge_method"] = "S256",
        });

    public static string Url(string path, IDictionary<string, string> query) =>
        path + "?" + string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>The parameters of a redirect's query (the code and state a client receives).</summary>
    public static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> TokenAsync(HttpClient client, IDictionary<string, string> form)
    {
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response, body);
    }

    /// <summary>A JWT's header and payload, read without validation (what a token says, not whether to trust it).</summary>
    public static (JsonElement Header, JsonElement Payload) Read(string jwt)
    {
        var parts = jwt.Split('.');
        return (JsonDocument.Parse(Base64UrlDecode(parts[0])).RootElement.Clone(), JsonDocument.Parse(Base64UrlDecode(parts[1])).RootElement.Clone());
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}
