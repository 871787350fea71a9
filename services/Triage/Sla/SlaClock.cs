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

    public static string Key(string clock, DateTimeOffset due) => $"{clock}@{due.UtcTicks}";
}

public sealed class SlaClockProjection : SingleStreamProjection<SlaClock, Guid>
{
    private readonly BusinessCalendar _calendar;
    private readonly SlaOptions _options;

    public SlaClockProjection(BusinessCalendar calendar, SlaOptions options)
    {
        _calendar = calendar;
        _options = options;
    }

    public SlaClock Create(CaseStarted e) => Next(new SlaClock
    {
        Id = e.CaseId, TrackingNumber = e.TrackingNumber,
        AcknowledgementDueAt = e.SubmittedAt + _options.AcknowledgementWithin,
        UpdateDueAt = _calendar.AddBusinessDays(e.SubmittedAt, _options.UpdateEveryBusinessDays),
    });

    public SlaClock Apply(AcknowledgementGiven e, SlaClock c) => Next(Message(c, e.At, stopsAcknowledgement: true));
    public SlaClock Apply(QuestionAsked e, SlaClock c) => Next(Wait(c, e.At));
    public SlaClock Apply(ReporterReplied e, SlaClock c) => Next(c.WaitingSince is null ? c : Message(Resume(c), e.At));
    public SlaClock Apply(ValidationConfirmed e, SlaClock c) => Next(Message(c, e.At));
    public SlaClock Apply(RejectionDecided e, SlaClock c) => Next(Message(Resume(c), e.At));
    public SlaClock Apply(RemediationPlanMade e, SlaClock c) => Next(Message(c, e.At));
    public SlaClock Apply(UpdateGiven e, SlaClock c) => Next(Message(c, e.At));
    public SlaClock Apply(FixConfirmed e, SlaClock c) => Next(Message(c, e.At));
    public SlaClock Apply(ReporterRemindedOfQuestion e, SlaClock c) { c.Reminded = true; return Next(c); }
    public SlaClock Apply(SlaWarned e, SlaClock c) { c.Warned.Add(SlaClock.Key(e.Clock, e.DueAt)); return Next(c); }
    public SlaClock Apply(SlaMissed e, SlaClock c) { c.Missed.Add(SlaClock.Key(e.Clock, e.DueAt)); return Next(c); }

    public SlaClock Apply(CaseEnded e, SlaClock c)
    {
        c.AcknowledgementDueAt = null;
        c.UpdateDueAt = null;
        c.WaitingSince = null;
        return Next(c);
    }

    /// <summary>A message to the reporter: the update clock starts again from it.</summary>
    private SlaClock Message(SlaClock c, DateTimeOffset at, bool stopsAcknowledgement = false)
    {
        if (stopsAcknowledgement) c.AcknowledgementDueAt = null;
        if (c.WaitingSince is null) c.UpdateDueAt = _calendar.AddBusinessDays(at, _options.UpdateEveryBusinessDays);
        return c;
    }

    private static SlaClock Wait(SlaClock c, DateTimeOffset at)
    {
        c.WaitingSince = at;
        c.Reminded = false;
        c.UpdateDueAt = null; // paused while the case waits on the reporter
        return c;
    }

    private static SlaClock Resume(SlaClock c)
    {
        c.WaitingSince = null;
        return c;
    }

    /// <summary>The earliest moment anything is due: a warning, a miss, a reminder or a no-response close.</summary>
    private SlaClock Next(SlaClock c)
    {
        var moments = new List<DateTimeOffset>();
        void Deadline(string clock, DateTimeOffset? due)
        {
            if (due is not { } d) return;
            if (!c.Warned.Contains(SlaClock.Key(clock, d))) moments.Add(d - _options.WarnBefore);
            else if (!c.Missed.Contains(SlaClock.Key(clock, d))) moments.Add(d);
        }
        Deadline(SlaClocks.Acknowledgement, c.AcknowledgementDueAt);
        Deadline(SlaClocks.Update, c.UpdateDueAt);
        if (c.WaitingSince is { } since) moments.Add(c.Reminded ? since + _options.CloseAfter : since + _options.RemindAfter);
        c.NextAt = moments.Count == 0 ? null : moments.Min();
        return c;
    }
}
