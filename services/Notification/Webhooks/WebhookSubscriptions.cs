using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification.Webhooks;

public sealed record WebhookRegistered(Guid SubscriptionId, string Url, IReadOnlyList<string> EventTypes, SealedValue Secret, string? Description, Actor By, DateTimeOffset At);
public sealed record WebhookDisabled(Guid SubscriptionId, string Reason, Actor By, DateTimeOffset At);
public sealed record WebhookEnabled(Guid SubscriptionId, Actor By, DateTimeOffset At);
public sealed record WebhookRemoved(Guid SubscriptionId, Actor By, DateTimeOffset At);
/// <summary>A delivery attempt to the subscriber failed; <see cref="ConsecutiveFailures"/> counts the run so far.</summary>
public sealed record WebhookAttemptFailed(Guid SubscriptionId, int ConsecutiveFailures, string Reason, DateTimeOffset At);
/// <summary>A delivery arrived after failures: the run of failures ends.</summary>
public sealed record WebhookRecovered(Guid SubscriptionId, DateTimeOffset At);

public static class WebhookEventTypeList
{
    public static readonly Type[] All =
    [
        typeof(WebhookRegistered), typeof(WebhookDisabled), typeof(WebhookEnabled), typeof(WebhookRemoved),
        typeof(WebhookAttemptFailed), typeof(WebhookRecovered),
    ];
}

/// <summary>A subscriber as it stands. The secret stays sealed under the key ring; it is shown once, when registered.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public string Url { get; set; } = "";
    public List<string> EventTypes { get; set; } = [];
    public SealedValue Secret { get; set; } = new("", []);
    public string? Description { get; set; }
    public bool Active { get; set; }
    public bool Removed { get; set; }
    public string? DisabledReason { get; set; }
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public long Version { get; set; }

    public bool Wants(string eventType) => Active && !Removed && EventTypes.Contains(eventType);
}

public sealed class WebhookSubscriptionProjection : SingleStreamProjection<WebhookSubscription, Guid>
{
    public static WebhookSubscription Create(IEvent<WebhookRegistered> e) => new()
    {
        Id = e.Data.SubscriptionId, Url = e.Data.Url, EventTypes = [.. e.Data.EventTypes], Secret = e.Data.Secret, Description = e.Data.Description,
        Active = true, CreatedAt = e.Data.At, CreatedBy = e.Data.By.Id, Version = e.Version,
    };

    public static void Apply(IEvent<WebhookDisabled> e, WebhookSubscription s) { s.Active = false; s.DisabledReason = e.Data.Reason; s.Version = e.Version; }
    public static void Apply(IEvent<WebhookEnabled> e, WebhookSubscription s) { s.Active = true; s.DisabledReason = null; s.ConsecutiveFailures = 0; s.Version = e.Version; }
    public static void Apply(IEvent<WebhookRemoved> e, WebhookSubscription s) { s.Active = false; s.Removed = true; s.Version = e.Version; }
    public static void Apply(IEvent<WebhookAttemptFailed> e, WebhookSubscription s) { s.ConsecutiveFailures = e.Data.ConsecutiveFailures; s.Version = e.Version; }
    public static void Apply(IEvent<WebhookRecovered> e, WebhookSubscription s) { s.ConsecutiveFailures = 0; s.Version = e.Version; }
}
