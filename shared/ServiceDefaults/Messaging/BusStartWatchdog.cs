using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Ends the process when its message bus has not started within <see cref="MessagingOptions.BusStartTimeout"/>.
/// MassTransit calls the bus started once every receive endpoint is, waits for that without a limit, and
/// says nothing while it waits. Seen here: an instance started together with a dozen others, while the
/// broker refused some new quorum queues their first consumer (<c>basic.consume</c>: <c>noproc</c>),
/// stayed "not started" for good, consuming nothing while its HTTP side answered. A process that ends is
/// started again by what runs it (Kubernetes, <c>make up</c>, the chaos test's nemesis), and a new start
/// gets through.
/// </summary>
public sealed class BusStartWatchdog(IOptions<MessagingOptions> options, IHostApplicationLifetime lifetime, ILogger<BusStartWatchdog> logger)
    : BackgroundService, IBusObserver
{
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
            return;
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            return; // stopping anyway
        }
        logger.LogCritical("The message bus did not start within {Timeout}; ending the process (exit code {ExitCode}) so that it is started again.", timeout, ExitCode);
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
        logger.LogCritical("The process did not stop within {Grace}; killing it.", StopGrace);
        Process.GetCurrentProcess().Kill();
    }

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        _started.TrySetResult();
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
