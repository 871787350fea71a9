using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Declares the service's part of <see cref="BrokerTopology"/> while it runs: its exchanges and park at
/// start, its marker once the bus says every receive endpoint is up (<see cref="BusStartWatchdog.EndpointsReady"/>).
/// Retried until it is done (a broker away at start delays it; it never stops the service from starting).
/// </summary>
public sealed class TopologyDeclaration(BrokerTopology topology, BusStartWatchdog bus, ILogger<TopologyDeclaration> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RetryAsync("the exchanges of its contracts and its park", topology.DeclareOwnAsync, stoppingToken);
        await bus.EndpointsReady.WaitAsync(stoppingToken);
        await RetryAsync("its topology marker", topology.DeclareMarkerAsync, stoppingToken);
    }

    private async Task RetryAsync(string what, Func<CancellationToken, Task> declare, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await declare(stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not declare {What} on the broker (attempt {Attempt}); trying again in {Backoff}", what, attempt, backoff);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}

/// <summary>
/// <c>&lt;service&gt; deploy-topology</c>: declares every queue, binding and exchange the service uses,
/// and its marker, then ends (0) without consuming anything — run for every service before any starts
/// (<c>make up</c>, an init container on Kubernetes), as a database migration is.
/// </summary>
public static class TopologyDeployment
{
    public const string Command = "deploy-topology";

    /// <summary>Whether this process was started to deploy the topology only (read while the bus is configured).</summary>
    public static bool Requested => Environment.GetCommandLineArgs() is [_, Command, ..];

    /// <summary>
    /// Runs the service — or, started as <c>&lt;service&gt; deploy-topology</c>, deploys its broker topology
    /// and ends. The exit code is 0, or what the service set before it stopped itself (<see cref="BusStartWatchdog"/>).
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app, string[] args)
    {
        if (args.FirstOrDefault() == Command) return await DeployAsync(app.Services);
        await app.RunAsync();
        return Environment.ExitCode;
    }

    public static async Task<int> DeployAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TopologyDeployment));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await services.GetRequiredService<IBusControl>().DeployAsync(timeout.Token);
            var topology = services.GetRequiredService<BrokerTopology>();
            await topology.DeclareOwnAsync(timeout.Token);
            await topology.DeclareMarkerAsync(timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "Could not deploy the broker topology");
            return 1;
        }
        logger.LogInformation("Broker topology deployed: queues, bindings, exchanges, park and marker of {Service}",
            services.GetRequiredService<MessagingService>().Name);
        return 0;
    }
}
