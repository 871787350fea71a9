using System.Net.Http.Headers;

namespace VulnPlatform.Testing;

/// <summary>The one way the tests build a request that carries a bearer token (an access token or a client's secret).</summary>
public static class Requests
{
    /// <summary>A request with <paramref name="token"/> as its bearer (none when null) and an optional <c>If-Match</c>.</summary>
    public static HttpRequestMessage Bearer(HttpMethod method, string url, string? token, HttpContent? content = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }
}
