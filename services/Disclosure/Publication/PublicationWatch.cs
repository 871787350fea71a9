using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.Disclosure.Publication;

/// <summary>Section <c>Disclosure:Publication</c>.</summary>
public sealed class PublicationOptions
{
    public const string Section = "Disclosure:Publication";

    /// <summary>How often the watch looks for sets whose instant passed (the pages do not wait for it).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long before the instant the customer contacts get the embargoed pre-notice.</summary>
    public TimeSpan PreNoticeLeadTime { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>
/// Records that a set's instant came — once, under the set's lock, across instances and restarts (a set
/// whose instant passed while no instance ran is recorded on start) — so that the platform is told
/// (<c>AdvisoriesPublished</c>) and the reporter gets the public notice.
/// </summary>
public sealed class PublicationWatch(IDocumentStore store, TimeProvider time, IOptions<PublicationOptions> options, PublicRecords records,
    ILogger<PublicationWatch> logger) : ScheduleWatch<DisclosureSet>(store, time, logger)
{
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override async Task<IReadOnlyList<Guid>> DueAsync(IQuerySession session, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Query<DisclosureSet>().Where(s => s.DueAt != null && s.DueAt <= now).OrderBy(s => s.DueAt).Select(s => s.Id).Take(Batch)
            .ToListAsync(cancellationToken);

    protected override async Task<IReadOnlyList<object>> DecideAsync(
        IDocumentSession session, Guid id, DisclosureSet set, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (set.Published || set.Time is not { } time) return [];
        var published = await session.Query<PublicAdvisory>().Where(p => p.SetId == id).OrderBy(p => p.PublicId).ToListAsync(cancellationToken);
        if (published.Count == 0) return []; // the set's public records are not there yet: the next round will find them
        var entries = published.Select(p => new PublishedEntry(p.PublicId, p.Content.Title, new Uri(records.Origin, $"advisories/{p.PublicId}"), p.Content.CveIds)).ToList();
        if (set.PreNoticeDueAt(now))
        {
            var contacts = await session.Query<Customers.CustomerContact>().Where(c => c.Active).Select(c => c.Id).ToListAsync(cancellationToken);
            return [new CustomersPreNotified(id, time.Instant, contacts, entries, now, set.TrackingNumber, time.TimeZone)];
        }
        if (time.Instant > now) return [];
        var credit = published.Select(p => p.Content.Credit).FirstOrDefault(c => c is not null);
        var duplicates = await session.Query<Facts.CaseFacts>().Where(f => f.DuplicateOf == set.TrackingNumber).ToListAsync(cancellationToken);
        return [new SetPublished(id, time.Instant, now, set.TrackingNumber, entries, credit,
            [.. duplicates.Select(d => new DuplicateReport(d.Id, d.TrackingNumber))])];
    }
}
