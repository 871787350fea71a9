using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace VulnPlatform.Gateway;

/// <summary>The gateway is ready when every service it routes to answers its own readiness probe.</summary>
public sealed class BackendHealth(IProxyStateLookup proxy, IHttpClientFactory clients) : IHealthCheck
{
    public const string ClientName = "backend-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var client = clients.CreateClient(ClientName);
        var down = new List<string>();
        foreach (var cluster in proxy.GetClusters())
        {
            var answered = false;
            foreach (var destination in cluster.Destinations.Values)
            {
                try
                {
                    var probe = new Uri(new Uri(destination.Model.Config.Address), "health/ready");
                    using var response = await client.GetAsync(probe, cancellationToken);
                    answered |= response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // this destination is down; another may answer
                }
            }
            if (!answered) down.Add(cluster.ClusterId);
        }
        return down.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"not answering: {string.Join(", ", down)}");
    }
}
