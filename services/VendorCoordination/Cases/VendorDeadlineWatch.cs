using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.VendorCoordination.Cases;

/// <summary>
/// Vendors' deadlines: cases whose next deadline has come get the reminder, the escalation or the
/// disclosure date's arrival, each once across instances (see <see cref="ScheduleWatch{TAggregate}"/>).
/// </summary>
public sealed class VendorDeadlineWatch(IDocumentStore store, TimeProvider time, IOptions<VendorDeadlineOptions> options, ILogger<VendorDeadlineWatch> logger)
    : ScheduleWatch<CoordinationCase>(store, time, logger)
{
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task<IReadOnlyList<Guid>> DueAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Query<CoordinationCase>().Where(c => c.NextDeadlineAt != null && c.NextDeadlineAt <= now)
            .OrderBy(c => c.NextDeadlineAt).Select(c => c.Id).Take(Batch).ToListAsync(cancellationToken);

    protected override Task<IReadOnlyList<object>> DecideAsync(
        IDocumentSession session, Guid id, CoordinationCase aggregate, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(CoordinationDecider.Due(aggregate, now));
}
