using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VulnPlatform.ServiceDefaults.Persistence;

/// <summary>
/// The shape of every deadline watcher (SLA clocks, vendor deadlines): the schedule lives in the
/// database, so a restart or a second instance loses nothing; each round takes the streams whose next
/// moment has come, each under its stream's exclusive lock and decided on the aggregate read after
/// taking the lock, so that with several instances every due event is recorded once.
/// </summary>
public abstract class ScheduleWatch<TAggregate>(IDocumentStore store, TimeProvider time, ILogger logger) : BackgroundService
    where TAggregate : class
{
    protected const int Batch = 200;

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>The ids of the streams with something due at <paramref name="now"/>, the most overdue first.</summary>
    protected abstract Task<IReadOnlyList<Guid>> DueAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>What is due on one stream, decided under its lock.</summary>
    protected abstract Task<IReadOnlyList<object>> DecideAsync(IDocumentSession session, Guid id, TAggregate aggregate, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>After the events of one stream are committed (for metrics).</summary>
    protected virtual Task RecordedAsync(IDocumentSession session, Guid id, IReadOnlyList<object> events, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{Watch} round failed; it runs again in {Interval}", GetType().Name, PollInterval);
            }
            await Task.Delay(PollInterval, time, stoppingToken);
        }
    }

    /// <summary>One round: returns how many events it recorded.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await DueAsync(query, now, cancellationToken);
        }
        var recorded = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForExclusiveWriting<TAggregate>(id, cancellationToken);
            if (stream.Aggregate is not { } aggregate) continue;
            var events = await DecideAsync(session, id, aggregate, now, cancellationToken);
            if (events.Count == 0) continue;
            stream.AppendMany(events);
            await session.SaveChangesAsync(cancellationToken);
            recorded += events.Count;
            await RecordedAsync(session, id, events, cancellationToken);
        }
        return recorded;
    }
}
