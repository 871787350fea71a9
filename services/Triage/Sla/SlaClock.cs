using VulnPlatform.ServiceDefaults.Calendar;
using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Triage.Cases;

namespace VulnPlatform.Triage.Sla;

/// <summary>Settings of the SLA clocks (section <c>Triage:Sla</c>).</summary>
public sealed class SlaOptions
{
    public const string Section = "Triage:Sla";

    public TimeSpan AcknowledgementWithin { get; set; } = TimeSpan.FromHours(24);
    public int UpdateEveryBusinessDays { get; set; } = 5;
    /// <summary>How long before a deadline staff are warned.</summary>
    public TimeSpan WarnBefore { get; set; } = TimeSpan.FromHours(4);
    /// <summary>Silence from the reporter after a question before they are reminded; then before the case closes as no-response.</summary>
    public TimeSpan RemindAfter { get; set; } = TimeSpan.FromDays(14);
    public TimeSpan CloseAfter { get; set; } = TimeSpan.FromDays(30);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A case's running deadlines, kept inline with its events (so in the same transaction as whatever
/// moved them): the acknowledgement (24 h of wall-clock time, stopped only by the human
/// acknowledgement), the next update (5 business days after the last message to the reporter;
/// paused while the case waits on the reporter), and, while it waits, the reminder and the
/// no-response close. <see cref="NextAt"/> is when the watcher must look at it next.
/// </summary>
public sealed class SlaClock
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
    public DateTimeOffset? AcknowledgementDueAt { get; set; }
    public DateTimeOffset? UpdateDueAt { get; set; }
    public DateTimeOffset? WaitingSince { get; set; }
    public bool Reminded { get; set; }
    /// <summary>Deadlines already warned of and missed, as "clock@due" (a new deadline is warned of again).</summary>
    public List<string> Warned { get; set; } = [];
    public List<string> Missed { get; set; } = [];
    public DateTimeOffset? NextAt { get; set; }
    /// <summary>The nearest running deadline (acknowledgement or update) and when it falls: what the queue shows and sorts by.</summary>
    public string? Deadline { get; set; }
    public DateTimeOffset? DeadlineAt { get; set; }

    public static string Key(string clock, DateTimeOffset due) => $"{clock}@{due.UtcDateTime:O}";
}

/// <summary>The SLA clocks' rules: how each event of a case moves its deadlines (one place, used by the schedule and the case view).</summary>
public sealed class SlaSchedule(BusinessCalendar calendar, SlaOptions options)
{
    public SlaOptions Options => options;

    /// <summary>The clock after <paramref name="data"/>; a case's first event starts it, events that do not concern it leave it as it is.</summary>
    public SlaClock? Evolve(SlaClock? clock, object data)
    {
        if (data is CaseStarted started)
        {
            return Next(new SlaClock
            {
                Id = started.CaseId, TrackingNumber = started.TrackingNumber,
                AcknowledgementDueAt = started.SubmittedAt + options.AcknowledgementWithin,
                UpdateDueAt = calendar.AddBusinessDays(started.SubmittedAt, options.UpdateEveryBusinessDays),
            });
        }
        if (clock is not { } c) return null;
        switch (data)
        {
            case AcknowledgementGiven e: Message(c, e.At, stopsAcknowledgement: true); break;
            case QuestionAsked e: Wait(c, e.At); break;
            case ReporterReplied e when c.WaitingSince is not null: Message(Resume(c), e.At); break;
            case ValidationConfirmed e: Message(c, e.At); break;
            case RejectionDecided: Stop(c); break; // the result is the last thing the reporter is owed
            case RemediationPlanMade e: Message(c, e.At); break;
            case UpdateGiven e: Message(c, e.At); break;
            case FixConfirmed e: Message(c, e.At); break;
            case ReporterRemindedOfQuestion: c.Reminded = true; break;
            case SlaWarned e: c.Warned.Add(SlaClock.Key(e.Clock, e.DueAt)); break;
            case SlaMissed e: c.Missed.Add(SlaClock.Key(e.Clock, e.DueAt)); break;
            case CaseEnded: Stop(c); break;
            default: return c;
        }
        return Next(c);
    }

    /// <summary>A message to the reporter: the update clock starts again from it.</summary>
    private void Message(SlaClock c, DateTimeOffset at, bool stopsAcknowledgement = false)
    {
        if (stopsAcknowledgement) c.AcknowledgementDueAt = null;
        if (c.WaitingSince is null) c.UpdateDueAt = calendar.AddBusinessDays(at, options.UpdateEveryBusinessDays);
    }

    /// <summary>A final state (rejected, closed): no clock runs on, nothing is warned of or missed afterwards.</summary>
    private static void Stop(SlaClock c)
    {
        c.AcknowledgementDueAt = null;
        c.UpdateDueAt = null;
        c.WaitingSince = null;
    }

    private static void Wait(SlaClock c, DateTimeOffset at)
    {
        c.WaitingSince = at;
        c.Reminded = false;
        c.UpdateDueAt = null; // paused while the case waits on the reporter
    }

    private static SlaClock Resume(SlaClock c)
    {
        c.WaitingSince = null;
        return c;
    }

    /// <summary>The earliest moment anything is due (a warning, a miss, a reminder or a no-response close), and the nearest deadline.</summary>
    private SlaClock Next(SlaClock c)
    {
        var moments = new List<DateTimeOffset>();
        void Deadline(string clock, DateTimeOffset? due)
        {
            if (due is not { } d) return;
            if (!c.Warned.Contains(SlaClock.Key(clock, d))) moments.Add(d - options.WarnBefore);
            else if (!c.Missed.Contains(SlaClock.Key(clock, d))) moments.Add(d);
        }
        Deadline(SlaClocks.Acknowledgement, c.AcknowledgementDueAt);
        Deadline(SlaClocks.Update, c.UpdateDueAt);
        if (c.WaitingSince is { } since) moments.Add(c.Reminded ? since + options.CloseAfter : since + options.RemindAfter);
        c.NextAt = moments.Count == 0 ? null : moments.Min();
        (c.Deadline, c.DeadlineAt) = (c.AcknowledgementDueAt, c.UpdateDueAt) switch
        {
            ({ } ack, { } update) when update < ack => (SlaClocks.Update, update),
            ({ } ack, _) => (SlaClocks.Acknowledgement, ack),
            (null, { } update) => (SlaClocks.Update, update),
            _ => ((string?)null, (DateTimeOffset?)null),
        };
        return c;
    }
}

/// <summary>The schedule the watcher reads: one <see cref="SlaClock"/> per case, next to its events.</summary>
public sealed class SlaClockProjection(SlaSchedule schedule) : SingleStreamProjection<SlaClock, Guid>
{
    public override SlaClock? Evolve(SlaClock? snapshot, Guid id, IEvent e) => schedule.Evolve(snapshot, e.Data);
}
