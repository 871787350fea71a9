using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace VulnPlatform.Gateway;

/// <summary>
/// The gateway's readiness is the platform's: Unhealthy while a service it routes to has no instance
/// ready, Degraded while any instance says it is not fully healthy (naming the instance and its
/// checks, e.g. <c>triage-1: masstransit-bus Unhealthy</c>), so an orchestrator watching the gateway
/// sees a broker outage as the services do.
/// </summary>
public sealed class BackendHealth(IProxyStateLookup proxy, IHttpClientFactory clients) : IHealthCheck
{
    public const string ClientName = "backend-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var client = clients.CreateClient(ClientName);
        var down = new List<string>();
        var impaired = new List<string>();
        foreach (var cluster in proxy.GetClusters())
        {
            var ready = false;
            foreach (var (name, destination) in cluster.Destinations)
            {
                var (status, detail) = await ProbeAsync(client, new Uri(new Uri(destination.Model.Config.Address), "health/ready"), cancellationToken);
                ready |= status is HealthStatus.Healthy or HealthStatus.Degraded;
                if (status != HealthStatus.Healthy) impaired.Add($"{name}: {detail}");
            }
            if (!ready) down.Add(cluster.ClusterId);
        }
        if (down.Count > 0) return HealthCheckResult.Unhealthy($"not ready: {string.Join(", ", down)}; {string.Join("; ", impaired)}");
        return impaired.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded(string.Join("; ", impaired));
    }

    /// <summary>An instance's readiness and, when it is not healthy, which of its checks say so.</summary>
    private static async Task<(HealthStatus Status, string Detail)> ProbeAsync(HttpClient client, Uri probe, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(probe, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            // The platform's services answer with their checks; anything else by its status code alone.
            var report = body.StartsWith('{') ? JsonSerializer.Deserialize<JsonElement>(body) : default;
            var status = report.ValueKind == JsonValueKind.Object && report.TryGetProperty("status", out var s) && Enum.TryParse<HealthStatus>(s.GetString(), out var parsed)
                ? parsed
                : response.IsSuccessStatusCode ? HealthStatus.Healthy : HealthStatus.Unhealthy;
            var checks = report.ValueKind == JsonValueKind.Object && report.TryGetProperty("checks", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray()
                    .Where(c => c.TryGetProperty("status", out var cs) && cs.GetString() != nameof(HealthStatus.Healthy))
                    .Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("status").GetString()}")
                : [];
            return (status, string.Join(", ", checks) is { Length: > 0 } named ? named : status.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (HealthStatus.Unhealthy, "not answering");
        }
    }
}
