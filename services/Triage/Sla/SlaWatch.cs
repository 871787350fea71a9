using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Triage.Cases;

namespace VulnPlatform.Triage.Sla;

/// <summary>What is due for a case at <paramref name="now"/>: warnings, misses, a reminder to the reporter, the no-response close.</summary>
public static class SlaDecider
{
    public static IReadOnlyList<object> Due(SlaClock clock, TriageCase c, SlaOptions options, DateTimeOffset now)
    {
        var events = new List<object>();
        if (!c.IsOpen) return events;
        void Check(string name, DateTimeOffset? due)
        {
            if (due is not { } d) return;
            var key = SlaClock.Key(name, d);
            if (!clock.Warned.Contains(key) && now >= d - options.WarnBefore) events.Add(new SlaWarned(c.Id, c.TrackingNumber, name, d, now, c.AssigneeId));
            if (!clock.Missed.Contains(key) && now >= d) events.Add(new SlaMissed(c.Id, c.TrackingNumber, name, d, now, c.AssigneeId));
        }
        Check(SlaClocks.Acknowledgement, clock.AcknowledgementDueAt);
        Check(SlaClocks.Update, clock.UpdateDueAt);
        if (clock.WaitingSince is { } since && c.State == CaseStates.NeedsInfo)
        {
            if (!clock.Reminded && now >= since + options.RemindAfter)
            {
                events.Add(new ReporterRemindedOfQuestion(c.Id, c.TrackingNumber, since, now));
            }
            else if (clock.Reminded && now >= since + options.CloseAfter)
            {
                events.AddRange(TriageDecider.Decide(c, new CloseForNoResponse(), Actor.System, now).Events);
            }
        }
        return events;
    }
}

/// <summary>
/// Looks at the cases whose next SLA moment has come (the schedule is in the database, so a restart
/// or a second instance loses nothing) and appends what is due. Each case is handled under its
/// stream's exclusive lock, reading the clock again after taking it, so with several instances every
/// warning and miss is recorded exactly once.
/// </summary>
public sealed class SlaWatch(
    IDocumentStore store, TimeProvider time, IOptions<SlaOptions> options, TriageMetrics metrics, ILogger<SlaWatch> logger) : BackgroundService
{
    private const int Batch = 200;

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
                logger.LogWarning(e, "SLA watch round failed; it runs again in {Interval}", options.Value.PollInterval);
            }
            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }

    /// <summary>One round: returns how many events it recorded.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<Guid> due;
        await using (var query = store.QuerySession())
        {
            due = await query.Query<SlaClock>().Where(c => c.NextAt != null && c.NextAt <= now).OrderBy(c => c.NextAt)
                .Select(c => c.Id).Take(Batch).ToListAsync(cancellationToken);
        }
        var recorded = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForExclusiveWriting<TriageCase>(id, cancellationToken);
            var clock = await session.LoadAsync<SlaClock>(id, cancellationToken);
            if (stream.Aggregate is not { } c || clock is null) continue;
            var events = SlaDecider.Due(clock, c, options.Value, now);
            if (events.Count == 0) continue;
            stream.AppendMany(events);
            await session.SaveChangesAsync(cancellationToken);
            recorded += events.Count;
            if (await session.LoadAsync<CaseView>(id, cancellationToken) is { } view) metrics.Record(view, events);
        }
        return recorded;
    }
}
