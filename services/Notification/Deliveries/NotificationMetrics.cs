using System.Diagnostics.Metrics;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>OpenTelemetry instruments: attempts by channel and result, and the time from queued to sent.</summary>
public sealed class NotificationMetrics
{
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _queuedToSent;

    public NotificationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PlatformTelemetry.SourceName);
        _attempts = meter.CreateCounter<long>("vulnplatform.notification.attempts", "{attempt}", "Delivery attempts (tags channel, result)");
        _queuedToSent = meter.CreateHistogram<double>("vulnplatform.notification.queued_to_sent", "ms", "From the intent recorded to the channel accepting it");
    }

    public void Record(Delivery delivery, SendOutcome outcome)
    {
        var result = outcome.Success ? "sent" : outcome.Retryable ? "failed" : outcome.OutcomeUnknown ? "unknown" : "refused";
        _attempts.Add(1, new KeyValuePair<string, object?>("channel", delivery.Channel), new KeyValuePair<string, object?>("result", result));
        if (outcome.Success) _queuedToSent.Record((DateTimeOffset.UtcNow - delivery.QueuedAt).TotalMilliseconds, new KeyValuePair<string, object?>("channel", delivery.Channel));
    }
}
