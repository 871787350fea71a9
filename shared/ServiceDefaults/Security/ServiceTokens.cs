using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>A service's own client-credentials login at Identity (each service binds its own section, e.g. <c>Notification:Client</c>).</summary>
public class ServiceClientOptions
{
    public string ClientId { get; set; } = "";
    public string? Secret { get; set; }
    /// <summary>Identity's token endpoint as the service reaches it (internal address).</summary>
    public Uri TokenEndpoint { get; set; } = new("http://127.0.0.1:5106/connect/token");
    public Uri IntakeAddress { get; set; } = new("http://127.0.0.1:5101/");
    public Uri IdentityAddress { get; set; } = new("http://127.0.0.1:5106/");
    public Uri CoordinationAddress { get; set; } = new("http://127.0.0.1:5104/");
    public Uri DisclosureAddress { get; set; } = new("http://127.0.0.1:5105/");
}

/// <summary>Client-credentials access tokens per scope, kept until a minute before they expire.</summary>
public sealed class ServiceTokens(IHttpClientFactory clients, IOptions<ServiceClientOptions> options, TimeProvider time)
{
    public const string ClientName = "identity-token";
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> _tokens = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<AuthenticationHeaderValue> BearerAsync(string scope, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(scope, out var cached) && cached.Until > time.GetUtcNow()) return new("Bearer", cached.Token);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_tokens.TryGetValue(scope, out cached) && cached.Until > time.GetUtcNow()) return new("Bearer", cached.Token);
            var settings = options.Value;
            using var response = await clients.CreateClient(ClientName).PostAsync(settings.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = settings.ClientId, ["client_secret"] = settings.Secret ?? "", ["scope"] = scope,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Identity refused the client credentials of {settings.ClientId} for {scope} ({(int)response.StatusCode}).");
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var token = json.RootElement.GetProperty("access_token").GetString()!;
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 300;
            _tokens[scope] = (token, time.GetUtcNow().AddSeconds(Math.Max(lifetime - 60, 10)));
            return new("Bearer", token);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A request to another service with this service's token for <paramref name="scope"/>, on the named client.</summary>
    public async Task<HttpResponseMessage> SendAsync(string clientName, HttpRequestMessage request, string scope, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        request.Headers.Authorization = await BearerAsync(scope, cancellationToken);
        return await clients.CreateClient(clientName).SendAsync(request, completion, cancellationToken);
    }
}

public static class ServiceTokenRegistration
{
    /// <summary>The service's client login from <paramref name="section"/> (<c>ClientId</c> defaulting to <paramref name="clientId"/>).</summary>
    public static IServiceCollection AddServiceTokens(this IHostApplicationBuilder builder, string section, string clientId)
    {
        builder.Services.Configure<ServiceClientOptions>(options =>
        {
            options.ClientId = clientId;
            builder.Configuration.GetSection(section).Bind(options);
        });
        builder.Services.AddSingleton<ServiceTokens>();
        builder.Services.AddHttpClient(ServiceTokens.ClientName);
        return builder.Services;
    }
}
