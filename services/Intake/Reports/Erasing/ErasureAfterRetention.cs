using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Reports.Erasing;

/// <summary>How long a withdrawn report keeps its reporter's personal data (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    public TimeSpan ErasePersonalDataAfter { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>Erases the personal data of reports withdrawn longer ago than the retention period (a maintenance task).</summary>
public sealed class ErasureAfterRetention(
    IDocumentStore store, ReportErasure erasure, IOptions<RetentionOptions> options, TimeProvider time) : IMaintenanceTask
{
    private const int Batch = 200;

    public string Name => "report-erasure";

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var horizon = now - options.Value.ErasePersonalDataAfter;
        long erased = await erasure.CompletePendingAsync(cancellationToken);
        while (true)
        {
            IReadOnlyList<Guid> due;
            await using (var query = store.QuerySession())
            {
                due = await query.Query<ReportStatusView>()
                    .Where(v => v.Status == ReportStatuses.Withdrawn && v.ErasedAt == null && v.Withdrawal!.At < horizon)
                    .Select(v => v.Id)
                    .Take(Batch)
                    .ToListAsync(cancellationToken);
            }
            foreach (var reportId in due)
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForExclusiveWriting<Report>(reportId, cancellationToken);
                var decision = EraseReportDecider.Decide(stream.Aggregate!, ErasureReasons.Retention, Actor.System, now);
                stream.AppendMany(decision.Events);
                erasure.Stage(session, stream.Aggregate!, decision);
                await session.SaveChangesAsync(cancellationToken);
                await erasure.CompleteAsync(stream.Aggregate!, cancellationToken);
                erased++;
            }
            if (due.Count < Batch) return erased;
        }
    }
}
