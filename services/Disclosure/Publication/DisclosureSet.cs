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

    /// <summary>When the publication watch checks the public texts for the reporter's identity one last time (the final-check lead before the instant, or at once).</summary>
    public DateTimeOffset? CheckAt { get; init; }
}

public sealed record PublicationScheduled(Guid SetId, string TrackingNumber, PublicationTime Time, Actor By, DateTimeOffset At);

public sealed record PublicationRescheduled(Guid SetId, PublicationTime Time, Actor By, DateTimeOffset At, string? TrackingNumber = null);

public sealed record PublicationCancelled(Guid SetId, Actor By, DateTimeOffset At, string? TrackingNumber = null);

/// <summary>
/// A coordinator confirmed an instant the coordination had not agreed to (<see cref="Concerns"/>), with a
/// reason: recorded with the schedule, kept in the set's history and sent to the case's vendors.
/// </summary>
public sealed record ScheduleOverridden(Guid SetId, string TrackingNumber, PublicationTime Time, IReadOnlyList<ScheduleConcern> Concerns, string Reason,
    IReadOnlyList<Guid> Vendors, Actor By, DateTimeOffset At);

/// <summary>One confirmed override, as the set's history shows it.</summary>
public sealed record ScheduleOverride(DateTimeOffset Instant, IReadOnlyList<ScheduleConcern> Concerns, string Reason, Actor By, DateTimeOffset At);

/// <summary>The publication watch's last identity check before the instant found nothing (once per instant; a consent change calls for another).</summary>
public sealed record PublicationChecked(Guid SetId, DateTimeOffset Instant, DateTimeOffset At);

/// <summary>The reporter's consent changed after the last check: the watch checks the texts again before anything goes out.</summary>
public sealed record PublicationRecheckDue(Guid SetId, DateTimeOffset At);

/// <summary>
/// The watch refused to let the set go public (a text names the reporter, or their identity could not be
/// checked before the instant): the schedule is cancelled in the same transaction (the embargo holds) and
/// the coordinators are told why — the reason never quotes the identity.
/// </summary>
public sealed record PublicationHeld(Guid SetId, DateTimeOffset Instant, string Reason, string Detail, DateTimeOffset At, string? TrackingNumber = null);

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
    /// <summary>The instant the watch's last identity check passed for (a new instant, or a consent change, calls for another).</summary>
    public DateTimeOffset? CheckedFor { get; set; }
    /// <summary>Why the watch last held the set back, until it is scheduled again.</summary>
    public string? HeldReason { get; set; }
    /// <summary>Every instant confirmed against the coordination's concerns, oldest first.</summary>
    public List<ScheduleOverride> Overrides { get; set; } = [];
    public DateTimeOffset? HeldAt { get; set; }
    public long Version { get; set; }

    public bool IsPublicAt(DateTimeOffset now) => Time is { } time && time.Instant <= now;

    /// <summary>The pre-notice is due (and not sent for this instant).</summary>
    public bool PreNoticeDueAt(DateTimeOffset now) =>
        !Published && Time is { PreNoticeAt: { } at } time && at <= now && PreNotifiedFor != time.Instant && time.Instant > now;

    /// <summary>The last identity check is due (from its time on, and before any pre-notice or the instant).</summary>
    public bool CheckDueAt(DateTimeOffset now) =>
        !Published && Time is { } time && CheckedFor != time.Instant && (time.CheckAt ?? time.PreNoticeAt ?? time.Instant) <= now;

    public DisclosureSet Rescheduled()
    {
        Reschedule();
        return this;
    }

    public void Reschedule()
    {
        if (Published || Time is not { } time)
        {
            DueAt = null;
            return;
        }
        var due = time.Instant;
        if (time.PreNoticeAt is { } preNotice && PreNotifiedFor != time.Instant && preNotice < due) due = preNotice;
        if (CheckedFor != time.Instant && (time.CheckAt ?? time.PreNoticeAt) is { } check && check < due) due = check;
        DueAt = due;
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
        s.HeldReason = null;
        s.HeldAt = null;
        s.Reschedule();
        s.Version = e.Version;
    }

    public static void Apply(IEvent<PublicationCancelled> e, DisclosureSet s)
    {
        s.Time = null;
        s.DueAt = null;
        s.Version = e.Version;
    }

    public static void Apply(IEvent<ScheduleOverridden> e, DisclosureSet s)
    {
        s.Overrides.Add(new ScheduleOverride(e.Data.Time.Instant, e.Data.Concerns, e.Data.Reason, e.Data.By, e.Data.At));
        s.Version = e.Version;
    }

    public static void Apply(IEvent<PublicationChecked> e, DisclosureSet s)
    {
        s.CheckedFor = e.Data.Instant;
        s.Reschedule();
        s.Version = e.Version;
    }

    public static void Apply(IEvent<PublicationRecheckDue> e, DisclosureSet s)
    {
        s.CheckedFor = null;
        s.Reschedule();
        s.Version = e.Version;
    }

    public static void Apply(IEvent<PublicationHeld> e, DisclosureSet s)
    {
        s.Time = null;
        s.DueAt = null;
        s.HeldReason = e.Data.Detail;
        s.HeldAt = e.Data.At;
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
