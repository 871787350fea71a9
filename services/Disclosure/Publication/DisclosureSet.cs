using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Contracts;

namespace VulnPlatform.Disclosure.Publication;

/// <summary>
/// When a set goes public: the instant, and the zone and local time it was given in (both are shown:
/// <c>2026-12-01 09:00 Europe/Berlin</c> is <c>08:00 UTC</c>).
/// </summary>
public sealed record PublicationTime(DateTimeOffset Instant, string TimeZone, string LocalTime)
{
    /// <summary>When the configured customer contacts get their embargoed pre-notice (the lead time before the instant, or at once).</summary>
    public DateTimeOffset? PreNoticeAt { get; init; }
}

public sealed record PublicationScheduled(Guid SetId, string TrackingNumber, PublicationTime Time, Actor By, DateTimeOffset At);

public sealed record PublicationRescheduled(Guid SetId, PublicationTime Time, Actor By, DateTimeOffset At, string? TrackingNumber = null);

public sealed record PublicationCancelled(Guid SetId, Actor By, DateTimeOffset At, string? TrackingNumber = null);

public sealed record PublishedEntry(string PublicId, string Title, Uri Page, IReadOnlyList<string> CveIds);

/// <summary>The customer contacts were sent the embargoed pre-notice of the set (once per instant).</summary>
public sealed record CustomersPreNotified(Guid SetId, DateTimeOffset Instant, IReadOnlyList<Guid> Contacts, IReadOnlyList<PublishedEntry> Advisories,
    DateTimeOffset At, string? TrackingNumber = null, string? TimeZone = null);

/// <summary>
/// The set's instant came: recorded once, whatever the number of instances (the pages were public
/// from the instant itself), with what went public and the credit as published.
/// </summary>
public sealed record SetPublished(Guid SetId, DateTimeOffset Instant, DateTimeOffset At, string? TrackingNumber = null,
    IReadOnlyList<PublishedEntry>? Advisories = null, string? Credit = null, IReadOnlyList<DuplicateReport>? Duplicates = null);

public sealed record DuplicateReport(Guid ReportId, string TrackingNumber);

/// <summary>
/// The advisories of one case and when they go public together. The public pages show an advisory
/// when its set's instant has passed, read at request time, so every advisory of a set appears at the
/// same instant; <see cref="Published"/> records that the moment was acted on (events, notices).
/// </summary>
public sealed class DisclosureSet
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
    public PublicationTime? Time { get; set; }
    /// <summary>The instant while scheduled and unpublished: what the publication watch looks for.</summary>
    public DateTimeOffset? DueAt { get; set; }
    public bool Published { get; set; }
    /// <summary>The instant the customers were pre-notified of (a new instant calls for a new pre-notice).</summary>
    public DateTimeOffset? PreNotifiedFor { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public long Version { get; set; }

    public bool IsPublicAt(DateTimeOffset now) => Time is { } time && time.Instant <= now;

    /// <summary>The pre-notice is due (and not sent for this instant).</summary>
    public bool PreNoticeDueAt(DateTimeOffset now) =>
        !Published && Time is { PreNoticeAt: { } at } time && at <= now && PreNotifiedFor != time.Instant && time.Instant > now;

    public DisclosureSet Rescheduled()
    {
        Reschedule();
        return this;
    }

    public void Reschedule()
    {
        DueAt = Published || Time is null ? null
            : Time.PreNoticeAt is { } preNotice && PreNotifiedFor != Time.Instant && preNotice < Time.Instant ? preNotice : Time.Instant;
    }
}

public sealed class DisclosureSetProjection : SingleStreamProjection<DisclosureSet, Guid>
{
    public static DisclosureSet Create(IEvent<PublicationScheduled> e) => new DisclosureSet
    {
        Id = e.Data.SetId, TrackingNumber = e.Data.TrackingNumber, Time = e.Data.Time, Version = e.Version,
    }.Rescheduled();

    public static void Apply(IEvent<PublicationRescheduled> e, DisclosureSet s)
    {
        s.Time = e.Data.Time;
        s.Reschedule();
        s.Version = e.Version;
    }

    public static void Apply(IEvent<PublicationCancelled> e, DisclosureSet s)
    {
        s.Time = null;
        s.DueAt = null;
        s.Version = e.Version;
    }

    public static void Apply(IEvent<CustomersPreNotified> e, DisclosureSet s)
    {
        s.PreNotifiedFor = e.Data.Instant;
        s.Reschedule();
        s.Version = e.Version;
    }

    public static void Apply(IEvent<SetPublished> e, DisclosureSet s)
    {
        s.Published = true;
        s.PublishedAt = e.Data.At;
        s.DueAt = null;
        s.Version = e.Version;
    }
}
