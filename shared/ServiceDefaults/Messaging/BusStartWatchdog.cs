using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Ends the process (exit code 75) when its message bus does not start within
/// <see cref="MessagingOptions.BusStartTimeout"/>, or stays unhealthy longer than
/// <see cref="MessagingOptions.BusDownLimit"/>, or longer than <see cref="MessagingOptions.BusRecoveryGrace"/>
/// once the broker accepts the service's login again: MassTransit waits for a start without a limit and
/// does not log in again after a refused login, and a fresh process does. Whatever runs the process
/// (Kubernetes, Compose, <c>make up</c>) starts it again. Every unhealthy check is logged at Warning
/// with its count.
/// </summary>
public sealed class BusStartWatchdog(
    IOptions<MessagingOptions> options, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<BusStartWatchdog> logger)
    : BackgroundService, IBusObserver
{
    /// <summary>How often the bus's health is read once it started.</summary>
    public static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);

    /// <summary>The exit code of a process ended this way (EX_TEMPFAIL: start it again).</summary>
    public const int ExitCode = 75;

    /// <summary>How long the process may take to stop after that before it is killed (a stop can hang on the same bus).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Started => _started.Task.IsCompleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = options.Value.BusStartTimeout;
        if (timeout <= TimeSpan.Zero) return;
        try
        {
            // Counted from the host's start on: stopping a host still starting fails its start instead.
            var hostStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => hostStarted.TrySetResult()))
            {
                await hostStarted.Task.WaitAsync(stoppingToken);
            }
            await _started.Task.WaitAsync(timeout, stoppingToken);
        }
        catch (TimeoutException)
        {
            logger.LogCritical("The message bus did not start within {Timeout}; ending the process (exit code {ExitCode}) so that it is started again.", timeout, ExitCode);
            End();
            return;
        }
        catch (OperationCanceledException)
        {
            return; // stopping anyway
        }
        try
        {
            await WatchHealthAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task WatchHealthAsync(CancellationToken stoppingToken)
    {
        var limit = options.Value.BusDownLimit;
        var bus = services.GetRequiredService<IBusControl>();
        // Real time, never a test's moved clock: an outage is measured as it is lived.
        var time = TimeProvider.System;
        using var timer = new PeriodicTimer(HealthInterval, time);
        var grace = options.Value.BusRecoveryGrace;
        var topology = services.GetRequiredService<BrokerTopology>();
        DateTimeOffset? downSince = null, reachableSince = null;
        var checks = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var health = bus.CheckHealth();
            if (health.Status == BusHealthStatus.Healthy)
            {
                if (downSince is not null) logger.LogInformation("The message bus is healthy again after {Checks} check(s)", checks);
                downSince = reachableSince = null;
                checks = 0;
                continue;
            }
            var now = time.GetUtcNow();
            downSince ??= now;
            checks++;
            var down = now - downSince.Value;
            // The broker takes this service's login again, yet the bus has not come back by itself.
            reachableSince = await topology.ReachableAsync(stoppingToken) ? reachableSince ?? now : null;
            logger.LogWarning("The message bus is {Status} (check {Check}, for {Down:F0} s; the broker {Reachable}): {Description}",
                health.Status, checks, down.TotalSeconds, reachableSince is null ? "refuses or is away" : "accepts the service's login", health.Description);
            if (limit > TimeSpan.Zero && down > limit)
            {
                logger.LogCritical("The message bus has not been healthy for {Limit}; ending the process (exit code {ExitCode}) so that it is started again.", limit, ExitCode);
                End();
                return;
            }
            if (grace > TimeSpan.Zero && reachableSince is { } since && now - since > grace)
            {
                logger.LogCritical("The broker has accepted the service's login for {Grace}, yet the message bus has not recovered; ending the process (exit code {ExitCode}) so that it is started again.", grace, ExitCode);
                End();
                return;
            }
        }
    }

    private void End()
    {
        Environment.ExitCode = ExitCode;
        _ = KillUnlessStoppedAsync();
        lifetime.StopApplication();
    }

    private async Task KillUnlessStoppedAsync()
    {
        using var stopped = new CancellationTokenSource();
        using var registration = lifetime.ApplicationStopped.Register(stopped.Cancel);
        try
        {
            await Task.Delay(StopGrace, stopped.Token);
        }
        catch (OperationCanceledException)
        {
            return; // stopped in time
        }
        logger.LogCritical("The process did not stop within {Grace}; ending it at once (exit code {ExitCode}).", StopGrace, ExitCode);
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // the console logger writes from a queue
        // Still exit code 75, so that what runs the process starts it again (a kill would read as an
        // operator's); without the host's shutdown handlers, one of which is what hangs.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) ImmediateExit(ExitCode);
        Process.GetCurrentProcess().Kill();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    private static extern void ImmediateExit(int status);

    private readonly TaskCompletionSource _endpointsReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the bus says every receive endpoint is ready (its queues declared and bound).</summary>
    public Task EndpointsReady => _endpointsReady.Task;

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        _started.TrySetResult();
        _ = busReady.ContinueWith(ready =>
        {
            if (ready.IsCompletedSuccessfully) _endpointsReady.TrySetResult();
        }, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public void PostCreate(IBus bus) { }
    public void CreateFaulted(Exception exception) { }
    public Task PreStart(IBus bus) => Task.CompletedTask;
    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;
    public Task PreStop(IBus bus) => Task.CompletedTask;
    public Task PostStop(IBus bus) => Task.CompletedTask;
    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
