using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>A clean-up a service runs periodically; returns how many things it removed.</summary>
public interface IMaintenanceTask
{
    string Name { get; }

    Task<long> RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Runs every <see cref="IMaintenanceTask"/> each <see cref="MessagingOptions.MaintenanceInterval"/>
/// (and once shortly after start), counting what each removed in <c>vulnplatform.maintenance.removed</c>
/// (tag <c>task</c>). Tasks are idempotent, so several instances running them at once is harmless.
/// </summary>
public sealed class MaintenanceService(
    IEnumerable<IMaintenanceTask> tasks, IOptions<MessagingOptions> options, TimeProvider time, IMeterFactory meters,
    ILogger<MaintenanceService> logger) : BackgroundService
{
    public const string RemovedInstrument = "vulnplatform.maintenance.removed";

    private readonly Counter<long> _removed = meters.Create(PlatformTelemetry.SourceName)
        .CreateCounter<long>(RemovedInstrument, "{item}", "Items removed by periodic maintenance");

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var task in tasks)
        {
            try
            {
                var removed = await task.RunAsync(cancellationToken);
                _removed.Add(removed, new KeyValuePair<string, object?>("task", task.Name));
                if (removed > 0)
                {
                    logger.LogInformation("Maintenance {Task} removed {Count} item(s)", task.Name, removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Maintenance {Task} failed; it runs again next time", task.Name);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken);
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, time);
        do
        {
            await RunOnceAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Forgets processed-message records older than <see cref="MessagingOptions.InboxRetention"/>.</summary>
public sealed class InboxCleanup(IDocumentStore store, IOptions<MessagingOptions> options, TimeProvider time) : IMaintenanceTask
{
    public string Name => "inbox";

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var horizon = time.GetUtcNow() - options.Value.InboxRetention;
        await using var session = store.LightweightSession();
        var count = await session.Query<ProcessedMessage>().CountAsync(m => m.ProcessedAt < horizon, cancellationToken);
        if (count > 0)
        {
            session.DeleteWhere<ProcessedMessage>(m => m.ProcessedAt < horizon);
            await session.SaveChangesAsync(cancellationToken);
        }
        return count;
    }
}
