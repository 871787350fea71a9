using System.Collections.Concurrent;
using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Publishes a service's integration events from its Marten event store. The async daemon hands
/// over pages of events in sequence order; the page's progress is recorded only after this method
/// returns, that is after the broker confirmed every message of the page. While the broker is away
/// the page is retried with backoff, skipping what was already confirmed, so an outage delays
/// publication and neither drops nor duplicates it (a crash between confirm and progress can
/// repeat a message; its <c>MessageId</c> is the event id, so consumers drop the repeat).
/// Events of one stream are published one after another in order; different streams in parallel.
/// </summary>
public sealed class IntegrationEventRelay : SubscriptionBase
{
    public const string SubscriptionName = "integration-event-relay";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly IBus _bus;
    private readonly IIntegrationEventMap _map;
    private readonly ILogger<IntegrationEventRelay> _logger;
    private readonly RelayMonitor _monitor;

    public IntegrationEventRelay(IBus bus, IIntegrationEventMap map, RelayMonitor monitor, ILogger<IntegrationEventRelay> logger)
    {
        _bus = bus;
        _map = map;
        _monitor = monitor;
        _logger = logger;
        Name = SubscriptionName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var streams = page.Events
            .Select(e => (Event: e, Message: _map.ToIntegrationEvent(e)))
            .Where(x => x.Message is not null)
            .GroupBy(x => x.Event.StreamKey ?? x.Event.StreamId.ToString())
            .Select(g => g.OrderBy(x => x.Event.Sequence).Select(x => (x.Event, x.Message!)).ToList())
            .ToList();

        var confirmed = new ConcurrentDictionary<Guid, bool>();
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.WhenAll(streams.Select(stream => PublishInOrderAsync(stream, confirmed, cancellationToken)));
                return NullChangeListener.Instance;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(exception,
                    "Relay could not publish events {Floor}..{Ceiling} (attempt {Attempt}); retrying in {Backoff}",
                    page.SequenceFloor, page.SequenceCeiling, attempt, backoff);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task PublishInOrderAsync(
        List<(IEvent Event, object Message)> stream, ConcurrentDictionary<Guid, bool> confirmed, CancellationToken cancellationToken)
    {
        foreach (var (@event, message) in stream)
        {
            if (confirmed.ContainsKey(@event.Id))
            {
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PublishTimeout);
            using var activity = StartPublishActivity(@event, message, out var traceParent);

            await _bus.Publish(message, message.GetType(), context =>
            {
                context.MessageId = @event.Id;
                // The W3C header, for subscribers outside the platform (MassTransit's own is MT-Activity-Id).
                if ((activity?.Id ?? traceParent) is { } parent)
                {
                    context.Headers.Set(TraceStampingSessionFactory.TraceParentHeader, parent);
                }
                context.CorrelationId = @event.StreamId == Guid.Empty ? null : @event.StreamId;
            }, timeout.Token);

            confirmed[@event.Id] = true;
            _monitor.RecordPublished();
        }
    }

    /// <summary>Continues the trace of the request that appended the event (stored in its headers).</summary>
    private static Activity? StartPublishActivity(IEvent @event, object message, out string? traceParent)
    {
        traceParent = @event.GetHeader(TraceStampingSessionFactory.TraceParentHeader)?.ToString();
        var traceState = @event.GetHeader(TraceStampingSessionFactory.TraceStateHeader)?.ToString();
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);

        var activity = PlatformTelemetry.Source.StartActivity(
            $"relay {message.GetType().Name}", ActivityKind.Producer, parent);
        activity?.SetTag("vulnplatform.event.id", @event.Id);
        activity?.SetTag("vulnplatform.event.sequence", @event.Sequence);
        return activity;
    }
}
