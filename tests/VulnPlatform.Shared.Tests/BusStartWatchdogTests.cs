using System.Net;
using System.Net.Sockets;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.Topology;

/// <summary>
/// A service whose message bus does not start in time ends itself (exit code 75) so that what runs it
/// starts it again; one whose bus starts is left alone. The bus that cannot start here is one pointed
/// at a port where no broker listens.
/// </summary>
public sealed class BusStartWatchdogTests
{
    private static Task<RunningHost> ServiceAsync(TestServers servers, TimeSpan busStartTimeout, ushort? rabbitPort = null, LogCapture? logs = null) =>
        TestHost.StartAsync(servers, "watchdog_test", builder =>
                builder.AddMartenDefaults(options => options.Schema.For<LedgerTrail>()).AddIntegrationMessaging<NoIntegrationEvents>(builder, "watchdog", bus => bus.AddConsumer<LedgerConsumer>()),
            rabbitPort: rabbitPort, logs: logs, waitForBus: rabbitPort is null,
            settings: new Dictionary<string, string?> { ["Messaging:BusStartTimeout"] = busStartTimeout.ToString("c") });

    [Fact]
    public async Task A_service_whose_bus_does_not_start_in_time_stops_itself_with_exit_code_75()
    {
        var servers = await TestServers.GetAsync();
        var logs = new LogCapture();
        try
        {
            await using var host = await ServiceAsync(servers, TimeSpan.FromSeconds(3), rabbitPort: UnusedPort(), logs: logs);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

            Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), TimeSpan.FromSeconds(30)),
                "the service kept running without a bus");
            Assert.Equal(BusStartWatchdog.ExitCode, Environment.ExitCode);
            Assert.False(host.Services.GetRequiredService<BusStartWatchdog>().Started);
            Assert.Contains(logs.Lines, line => line.Contains("The message bus did not start within", StringComparison.Ordinal));
        }
        finally
        {
            Environment.ExitCode = 0; // the test run's own exit code
        }
    }

    [Fact]
    public async Task A_service_whose_bus_starts_keeps_running_past_the_timeout()
    {
        var servers = await TestServers.GetAsync();
        var timeout = TimeSpan.FromSeconds(15);
        var started = DateTime.UtcNow;
        await using var host = await ServiceAsync(servers, timeout);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        Assert.True(host.Services.GetRequiredService<BusStartWatchdog>().Started);
        var rest = started + timeout + TimeSpan.FromSeconds(2) - DateTime.UtcNow;
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the service stopped although its bus had started");
        Assert.Equal(0, Environment.ExitCode);
    }

    private static ushort UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
