using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Publishes a service's integration events from its Marten event store. The async daemon hands
/// over pages of events in sequence order; the relay publishes them in slices of
/// <see cref="MessagingOptions.RelayCheckpointEvery"/>, recording a checkpoint after each slice the
/// broker confirmed, so a crash repeats at most one slice (each message's <c>MessageId</c> is its
/// event id, so consumers drop the repeats).
/// <list type="bullet">
/// <item>Transient failures (broker away, timeouts) retry the slice with backoff, skipping what was
/// confirmed; an outage delays publication, it neither drops nor duplicates it.</item>
/// <item>Permanent failures (a mapping that throws, a message that cannot be serialised) become a
/// Marten dead letter with the reason; the relay logs it at Error, counts it and moves on.
/// Operators re-publish or discard it (<see cref="RelayOperations"/>).</item>
/// </list>
/// Events of one stream are published one after another in order; different streams in parallel.
/// </summary>
public sealed class IntegrationEventRelay : SubscriptionBase
{
    public const string SubscriptionName = "integration-event-relay";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly IntegrationEventPublisher _publisher;
    private readonly IIntegrationEventMap _map;
    private readonly RelayCheckpoints _checkpoints;
    private readonly RelayMonitor _monitor;
    private readonly BrokerTopology _topology;
    private readonly IOptions<MessagingOptions> _options;
    private readonly ILogger<IntegrationEventRelay> _logger;

    public IntegrationEventRelay(
        IntegrationEventPublisher publisher, IIntegrationEventMap map, RelayCheckpoints checkpoints, RelayMonitor monitor,
        BrokerTopology topology, IOptions<MessagingOptions> options, ILogger<IntegrationEventRelay> logger)
    {
        _publisher = publisher;
        _map = map;
        _checkpoints = checkpoints;
        _monitor = monitor;
        _topology = topology;
        _options = options;
        _logger = logger;
        Name = SubscriptionName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        if (_options.Value.AwaitPlatformTopology) await AwaitPlatformTopologyAsync(cancellationToken);
        // Under load pages are small and many: the checkpoint this relay wrote itself is reused while
        // pages follow on from its own last one; any other page (the first, or after leadership came
        // back from another instance) reads it from the database.
        var checkpoint = _written is { } written && written.ContinuesFrom == page.SequenceFloor
            ? written.Checkpoint
            : await _checkpoints.ReadAsync(SubscriptionName, cancellationToken);
        var slice = Math.Max(1, _options.Value.RelayCheckpointEvery);
        foreach (var events in page.Events.Where(e => e.Sequence > checkpoint).OrderBy(e => e.Sequence).Chunk(slice))
        {
            await PublishSliceAsync(events, controller, cancellationToken);
            await _checkpoints.WriteAsync(SubscriptionName, events[^1].Sequence, cancellationToken);
            checkpoint = events[^1].Sequence;
            _written = new WrittenCheckpoint(page.SequenceFloor, checkpoint);
        }
        _written = new WrittenCheckpoint(page.SequenceCeiling, checkpoint);
        return NullChangeListener.Instance;
    }

    /// <summary>
    /// Holds publication until every platform service has declared its queues: an event published before
    /// the queue that must hear it exists would be lost to that service (a first start in any order).
    /// Once all were seen this costs nothing.
    /// </summary>
    private async Task AwaitPlatformTopologyAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            IReadOnlyList<string> missing;
            try
            {
                missing = await _topology.MissingAsync(ReplayTopology.PlatformPublishers, cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(exception, "Relay could not read the broker topology (attempt {Attempt}); trying again in {Backoff}", attempt, backoff);
                missing = ["(broker unreachable)"];
            }
            _monitor.RecordAwaitedTopology(missing);
            if (missing.Count == 0) return;
            if (attempt == 1 || attempt % 20 == 0)
            {
                _logger.LogWarning(
                    "Relay publishes nothing until {Services} declared their queues (attempt {Attempt}): run their deploy-topology, or start them",
                    string.Join(", ", missing), attempt);
            }
            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>The checkpoint this relay last wrote, valid for a page starting at <paramref name="ContinuesFrom"/>.</summary>
    private sealed record WrittenCheckpoint(long ContinuesFrom, long Checkpoint);

    private volatile WrittenCheckpoint? _written;

    private async Task PublishSliceAsync(IEvent[] events, ISubscriptionController controller, CancellationToken cancellationToken)
    {
        var messages = new List<(IEvent Event, object Message)>();
        foreach (var @event in events)
        {
            try
            {
                if (_map.ToIntegrationEvent(@event) is { } message)
                {
                    messages.Add((@event, message));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await DeadLetterAsync(controller, @event, new MappingFailedException(@event.EventTypeName, exception));
            }
        }

        var streams = messages
            .GroupBy(x => x.Event.StreamKey ?? x.Event.StreamId.ToString())
            .Select(stream => stream.ToList())
            .ToList();
        var done = new HashSet<Guid>();
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.WhenAll(streams.Select(stream => PublishInOrderAsync(stream, done, controller, cancellationToken)));
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(exception,
                    "Relay could not publish events {Floor}..{Ceiling} (attempt {Attempt}); retrying in {Backoff}",
                    events[0].Sequence, events[^1].Sequence, attempt, backoff);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task PublishInOrderAsync(
        List<(IEvent Event, object Message)> stream, HashSet<Guid> done, ISubscriptionController controller, CancellationToken cancellationToken)
    {
        foreach (var (@event, message) in stream)
        {
            lock (done)
            {
                if (done.Contains(@event.Id)) continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PublishTimeout);
            try
            {
                await _publisher.PublishAsync(@event, message, replay: null, timeout.Token);
                _monitor.RecordPublished();
            }
            catch (Exception exception) when (PermanentRelayFailures.IsPermanent(exception))
            {
                await DeadLetterAsync(controller, @event, exception);
            }

            lock (done)
            {
                done.Add(@event.Id);
            }
        }
    }

    private async Task DeadLetterAsync(ISubscriptionController controller, IEvent @event, Exception exception)
    {
        _logger.LogError(exception,
            "Relay dead-lettered event {Sequence} ({EventType}, id {EventId}): it cannot be published as it is. Operators can re-publish or discard it.",
            @event.Sequence, @event.EventTypeName, @event.Id);
        _monitor.RecordDeadLetter();
        await controller.RecordDeadLetterEventAsync(@event, exception);
    }
}

/// <summary>A replay into one consumer <paramref name="Queue"/>, sent through <paramref name="Publisher"/>'s replay exchange.</summary>
public sealed record ReplayDestination(string Publisher, string Queue);

/// <summary>The broker returned a replayed message: no queue of that name is bound to the publisher's replay exchange.</summary>
public sealed class ReplayNotAcceptedException(ReplayDestination replay, Exception inner)
    : Exception($"No queue named '{replay.Queue}' accepts replays from {replay.Publisher}.", inner);

/// <summary>Publishes one integration event as the relay does: event id as message id, stream id as correlation, the appender's trace.</summary>
public sealed class IntegrationEventPublisher(IBus bus)
{
    /// <summary>
    /// To every subscriber (the contract's exchange), or with <paramref name="replay"/> to one queue
    /// only, through the publisher's replay exchange; a replay no queue accepts fails with
    /// <see cref="ReplayNotAcceptedException"/> instead of vanishing.
    /// </summary>
    public async Task PublishAsync(IEvent @event, object message, ReplayDestination? replay, CancellationToken cancellationToken)
    {
        using var activity = StartPublishActivity(@event, message, out var traceParent);
        void Stamp(SendContext context)
        {
            context.MessageId = @event.Id;
            // The W3C header, for subscribers outside the platform (MassTransit's own is MT-Activity-Id).
            if ((activity?.Id ?? traceParent) is { } parent)
            {
                context.Headers.Set(TraceStampingSessionFactory.TraceParentHeader, parent);
            }
            // Consumers partition on it, so events of one stream are applied in order.
            context.CorrelationId = @event.StreamId == Guid.Empty ? null : @event.StreamId;
            if (replay is not null)
            {
                context.SetRoutingKey(replay.Queue);
                if (context is RabbitMqSendContext rabbit) rabbit.Mandatory = true;
            }
        }

        if (replay is null)
        {
            await bus.Publish(message, message.GetType(), Stamp, cancellationToken);
            return;
        }

        var endpoint = await bus.GetSendEndpoint(ReplayTopology.AddressOf(replay.Publisher));
        try
        {
            await endpoint.Send(message, message.GetType(), Stamp, cancellationToken);
        }
        catch (MessageReturnedException exception)
        {
            throw new ReplayNotAcceptedException(replay, exception);
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
