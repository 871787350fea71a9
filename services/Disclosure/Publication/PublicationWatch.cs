using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
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

    /// <summary>How long before the instant the watch checks the public texts for the reporter's identity one last time.</summary>
    public TimeSpan FinalCheckLeadTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How close to the instant the watch stops waiting for Intake to answer the last check and holds the
    /// set back instead (an identity that cannot be checked is not published).
    /// </summary>
    public TimeSpan UncheckedHoldMargin { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Records that a set's instant came — once, under the set's lock, across instances and restarts (a set
/// whose instant passed while no instance ran is recorded on start) — so that the platform is told
/// (<c>AdvisoriesPublished</c>) and the reporter gets the public notice. Before the customers' pre-notice
/// and again shortly before the instant (and after any consent change) it runs the identity guard over the
/// texts as they will go out: a text naming the reporter holds the set back — schedule cancelled, public
/// records withdrawn in the same transaction, the coordinators told — instead of publishing.
/// </summary>
public sealed class PublicationWatch(IDocumentStore store, TimeProvider time, IOptions<PublicationOptions> options, PublicRecords records,
    IdentityGuard guard, ILogger<PublicationWatch> logger) : ScheduleWatch<DisclosureSet>(store, time, logger)
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
        var preNoticeDue = set.PreNoticeDueAt(now);
        var checkDue = set.CheckDueAt(now) || (time.Instant <= now && set.CheckedFor != time.Instant);
        List<object> events = [];
        if (preNoticeDue || checkDue)
        {
            var facts = await session.LoadAsync<Facts.CaseFacts>(id, cancellationToken);
            // An advisory drafted into the set after it was scheduled still has the reporter's words as they wrote them.
            var unreviewed = Advisories.ReporterWords.UnreviewedOf(await session.Query<Advisories.Advisory>().Where(a => a.SetId == id).ToListAsync(cancellationToken));
            var refusal = unreviewed.Count > 0
                ? new GuardRefusal(Advisories.ReporterWords.Unreviewed, Advisories.ReporterWords.Detail(unreviewed))
                : await guard.CheckAsync(id, facts, published.Select(p => p.Content), cancellationToken, published.SelectMany(p => p.Revisions.Select(r => r.Summary)));
            if (refusal is { Unavailable: true } && time.Instant - now > options.Value.UncheckedHoldMargin) return []; // asked again next round
            if (refusal is not null)
            {
                logger.LogWarning("Publication of {TrackingNumber} at {Instant} held back: {Reason}", set.TrackingNumber, time.Instant, refusal.Detail);
                session.DeleteWhere<PublicAdvisory>(p => p.SetId == id);
                return [new PublicationCancelled(id, Actor.System, now, set.TrackingNumber), new PublicationHeld(id, time.Instant, refusal.Code, refusal.Detail, now, set.TrackingNumber)];
            }
            if (checkDue) events.Add(new PublicationChecked(id, time.Instant, now));
        }
        if (preNoticeDue)
        {
            var contacts = await session.Query<Customers.CustomerContact>().Where(c => c.Active).Select(c => c.Id).ToListAsync(cancellationToken);
            events.Add(new CustomersPreNotified(id, time.Instant, contacts, entries, now, set.TrackingNumber, time.TimeZone));
            return events;
        }
        if (time.Instant > now) return events;
        var credit = published.Select(p => p.Content.Credit).FirstOrDefault(c => c is not null);
        var duplicates = await session.Query<Facts.CaseFacts>().Where(f => f.DuplicateOf == set.TrackingNumber).ToListAsync(cancellationToken);
        events.Add(new SetPublished(id, time.Instant, now, set.TrackingNumber, entries, credit,
            [.. duplicates.Select(d => new DuplicateReport(d.Id, d.TrackingNumber))]));
        return events;
    }
}
