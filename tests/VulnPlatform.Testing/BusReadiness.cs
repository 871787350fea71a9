using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace VulnPlatform.Testing;

public static class BusReadiness
{
    /// <summary>
    /// Waits until the host's bus and every receive endpoint are up, so their queues exist and are
    /// bound: a message published before that would go to an exchange with no queue and be lost.
    /// </summary>
    public static async Task WaitAsync(IServiceProvider services)
    {
        var bus = services.GetRequiredService<IBusControl>();
        var ready = await Eventually.HoldsAsync(
            () => Task.FromResult(bus.CheckHealth().Status == BusHealthStatus.Healthy), TimeSpan.FromSeconds(60));
        if (!ready)
        {
            throw new InvalidOperationException($"The bus did not become healthy: {bus.CheckHealth().Description}");
        }
    }
}
