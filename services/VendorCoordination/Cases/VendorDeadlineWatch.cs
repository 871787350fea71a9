using Marten;
using Microsoft.Extensions.Options;

namespace VulnPlatform.VendorCoordination.Cases;

/// <summary>
/// Looks at the cases whose next vendor deadline has come (the schedule is in the database) and
/// records what is due — a reminder, then an escalation — each case under its stream's exclusive lock,
/// reading it again after taking the lock, so that with several instances each is recorded once.
/// </summary>
public sealed class VendorDeadlineWatch(IDocumentStore store, TimeProvider time, IOptions<VendorDeadlineOptions> options, ILogger<VendorDeadlineWatch> logger)
    : BackgroundService
{
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
                logger.LogWarning(e, "Vendor deadline round failed; it runs again in {Interval}", options.Value.PollInterval);
            }
            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<CoordinationCase>().Where(c => c.NextDeadlineAt != null && c.NextDeadlineAt <= now)
                .OrderBy(c => c.NextDeadlineAt).Select(c => c.Id).Take(200).ToListAsync(cancellationToken);
        }
        var recorded = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForExclusiveWriting<CoordinationCase>(id, cancellationToken);
            if (stream.Aggregate is not { } c) continue;
            var events = CoordinationDecider.Due(c, now);
            if (events.Count == 0) continue;
            stream.AppendMany(events);
            await session.SaveChangesAsync(cancellationToken);
            recorded += events.Count;
        }
        return recorded;
    }
}
