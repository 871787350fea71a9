using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace VulnPlatform.Gateway;

/// <summary>
/// Every cluster without health-check settings of its own gets these: each instance's readiness
/// probed every few seconds (an instance that stops answering leaves the rotation until it answers
/// again), and an instance whose connections fail taken out at once (passive). When no instance of a
/// service is healthy YARP still tries them all (HealthyOrPanic), so a broker outage, which makes
/// every instance "not ready", never stops intake.
/// </summary>
public sealed class DestinationHealth : IProxyConfigFilter
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) =>
        ValueTask.FromResult(cluster.HealthCheck is not null ? cluster : cluster with
        {
            HealthCheck = new HealthCheckConfig
            {
                AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = Interval,
                    Timeout = TimeSpan.FromSeconds(2),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = "/health/ready",
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = TimeSpan.FromSeconds(10),
                },
            },
            Metadata = new Dictionary<string, string>(cluster.Metadata ?? new Dictionary<string, string>())
            {
                // One failed probe is enough: a killed instance refuses connections at once.
                [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] = "1",
            },
        });

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
        ValueTask.FromResult(route);
}
