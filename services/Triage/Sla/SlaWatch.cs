using Marten;
using VulnPlatform.ServiceDefaults.Persistence;
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
        if (!c.IsOpen || c.State == CaseStates.Rejected) return events; // final states stop every clock
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
/// The SLA clocks' watcher: cases whose next SLA moment has come get their warnings, misses, reminder
/// or no-response close, each exactly once across instances (see <see cref="ScheduleWatch{TAggregate}"/>).
/// </summary>
public sealed class SlaWatch(
    IDocumentStore store, TimeProvider time, IOptions<SlaOptions> options, TriageMetrics metrics, ILogger<SlaWatch> logger)
    : ScheduleWatch<TriageCase>(store, time, logger)
{
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task<IReadOnlyList<Guid>> DueAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Query<SlaClock>().Where(c => c.NextAt != null && c.NextAt <= now).OrderBy(c => c.NextAt)
            .Select(c => c.Id).Take(Batch).ToListAsync(cancellationToken);

    protected override async Task<IReadOnlyList<object>> DecideAsync(
        IDocumentSession session, Guid id, TriageCase aggregate, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.LoadAsync<SlaClock>(id, cancellationToken) is { } clock ? SlaDecider.Due(clock, aggregate, options.Value, now) : [];

    protected override async Task RecordedAsync(IDocumentSession session, Guid id, IReadOnlyList<object> events, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<CaseView>(id, cancellationToken) is { } view) metrics.Record(view, events);
    }
}
