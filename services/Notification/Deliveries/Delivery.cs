using JasperFx.Events;
using Marten.Events.Aggregation;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>A delivery as it stands (inline with its events): what the worker picks up and staff read.</summary>
public sealed class Delivery
{
    public Guid Id { get; set; }
    public Guid SourceEventId { get; set; }
    public string SourceType { get; set; } = "";
    public string Template { get; set; } = "";
    public string Channel { get; set; } = "";
    public Recipient Recipient { get; set; } = new("", "");
    public Guid? ReportId { get; set; }
    public string? TrackingNumber { get; set; }
    public Dictionary<string, string?> Values { get; set; } = [];
    public string Status { get; set; } = DeliveryStatus.Queued;
    public int Attempts { get; set; }
    /// <summary>When the worker should take it (null: nothing to do, or an attempt is under way).</summary>
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? AttemptStartedAt { get; set; }
    /// <summary>The attempt whose e-mail was handed to the SMTP server (0: none yet).</summary>
    public int HandedOverAttempt { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
    public List<DeliveryStep> History { get; set; } = [];
    public long Version { get; set; }
}

public sealed record DeliveryStep(DateTimeOffset At, string Event, int Attempt, string? Reason);

public sealed class DeliveryProjection : SingleStreamProjection<Delivery, Guid>
{
    public static Delivery Create(IEvent<NotificationQueued> e) => new()
    {
        Id = e.Data.DeliveryId, SourceEventId = e.Data.SourceEventId, SourceType = e.Data.SourceType, Template = e.Data.Template,
        Channel = e.Data.Channel, Recipient = e.Data.Recipient, ReportId = e.Data.ReportId, TrackingNumber = e.Data.TrackingNumber,
        Values = e.Data.Values, Status = DeliveryStatus.Queued, DueAt = e.Data.At, QueuedAt = e.Data.At, Version = e.Version,
        History = [new DeliveryStep(e.Data.At, "queued", 0, null)],
    };

    public static void Apply(IEvent<DeliveryAttempted> e, Delivery d) => Begin(d, e, e.Data.Attempt, e.Data.At, "attempted");

    public static void Apply(IEvent<DeliveryRetried> e, Delivery d) => Begin(d, e, e.Data.Attempt, e.Data.At, "retried");

    public static void Apply(IEvent<EmailHandedOver> e, Delivery d)
    {
        d.History.Add(new DeliveryStep(e.Data.At, "handed-over", e.Data.Attempt, null));
        d.HandedOverAttempt = e.Data.Attempt;
        d.Version = e.Version;
    }

    public static void Apply(IEvent<NotificationSent> e, Delivery d) =>
        Step(d, e, e.Data.At, "sent", e.Data.Attempt, null, DeliveryStatus.Sent, due: null, also: () => d.SentAt = e.Data.At);

    public static void Apply(IEvent<DeliveryFailed> e, Delivery d) =>
        Step(d, e, e.Data.At, "failed", e.Data.Attempt, e.Data.Reason, DeliveryStatus.RetryPending, due: e.Data.RetryAt);

    public static void Apply(IEvent<NotificationGivenUp> e, Delivery d) =>
        Step(d, e, e.Data.At, "given-up", e.Data.Attempt, e.Data.Reason, DeliveryStatus.GivenUp, due: null);

    private static void Begin(Delivery d, IEvent e, int attempt, DateTimeOffset at, string name) =>
        Step(d, e, at, name, attempt, null, DeliveryStatus.Sending, due: null, also: () =>
        {
            d.Attempts = attempt;
            d.AttemptStartedAt = at;
        });

    private static void Step(Delivery d, IEvent e, DateTimeOffset at, string name, int attempt, string? reason, string status, DateTimeOffset? due, Action? also = null)
    {
        d.History.Add(new DeliveryStep(at, name, attempt, reason));
        d.Status = status;
        d.DueAt = due;
        if (reason is not null) d.LastError = reason;
        also?.Invoke();
        d.Version = e.Version;
    }
}
