using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Logging;

namespace VulnPlatform.ServiceDefaults.Messaging;

public sealed record DeadLetterView(Guid Id, long EventSequence, string ExceptionType, string ExceptionMessage, DateTimeOffset At);

public sealed record ReplayResult(string Queue, long FromSequence, long ToSequence, int Sent);

/// <summary>
/// What operators do with the relay: look at dead letters, re-publish or discard one, and replay a
/// publisher's integration events into one consumer's queue (a service deployed later catches up;
/// consumers drop what they already applied, since message ids are event ids).
/// </summary>
public sealed class RelayOperations(
    IDocumentStore store, IIntegrationEventMap map, IntegrationEventPublisher publisher, RelayMonitor monitor,
    MessagingService service, ILogger<RelayOperations> logger)
{
    private const int ReplayPage = 500;

    public async Task<IReadOnlyList<DeadLetterView>> DeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var letters = await session.Query<DeadLetterEvent>()
            .Where(d => d.ProjectionName == IntegrationEventRelay.SubscriptionName)
            .OrderBy(d => d.EventSequence)
            .Take(1000)
            .ToListAsync(cancellationToken);
        return letters.Select(d => new DeadLetterView(d.Id, d.EventSequence, d.ExceptionType, d.ExceptionMessage, d.Timestamp)).ToList();
    }

    /// <summary>Maps and publishes the event again; the dead letter goes only once the broker confirmed.</summary>
    public async Task<bool> RepublishAsync(Guid deadLetterId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<DeadLetterEvent>(deadLetterId, cancellationToken) is not { } letter
            || letter.ProjectionName != IntegrationEventRelay.SubscriptionName)
        {
            return false;
        }

        var @event = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence == letter.EventSequence)
            .SingleAsync(cancellationToken);
        if (map.ToIntegrationEvent(@event) is { } message)
        {
            await publisher.PublishAsync(@event, message, replay: null, cancellationToken);
        }
        session.Delete(letter);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Operator re-published dead-lettered event {Sequence}", letter.EventSequence);
        await monitor.RefreshAsync(cancellationToken);
        return true;
    }

    public async Task<bool> DiscardAsync(Guid deadLetterId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<DeadLetterEvent>(deadLetterId, cancellationToken) is not { } letter
            || letter.ProjectionName != IntegrationEventRelay.SubscriptionName)
        {
            return false;
        }
        session.Delete(letter);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Operator discarded dead-lettered event {Sequence}; it will never be published", letter.EventSequence);
        await monitor.RefreshAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Sends every integration event from <paramref name="fromSequence"/> up to what the relay has
    /// published to <paramref name="queue"/> only, in sequence order, one page at a time. Throws
    /// <see cref="ReplayNotAcceptedException"/> when no such queue is bound for this service's replays.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string queue, long fromSequence, CancellationToken cancellationToken)
    {
        var destination = new ReplayDestination(service.Name, queue);
        await using var session = store.QuerySession();
        var ceiling = await RelayedUpToAsync(cancellationToken);
        var sent = 0;
        var next = Math.Max(1, fromSequence);
        while (next <= ceiling)
        {
            var upper = Math.Min(ceiling, next + ReplayPage - 1);
            var events = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence >= next && e.Sequence <= upper)
                .OrderBy(e => e.Sequence)
                .ToListAsync(cancellationToken);
            foreach (var @event in events)
            {
                if (Map(@event) is { } message)
                {
                    await publisher.PublishAsync(@event, message, destination, cancellationToken);
                    sent++;
                }
            }
            next = upper + 1;
        }
        logger.LogInformation("Replayed {Sent} integration event(s) from sequence {From} to {To} into {Queue}", sent, fromSequence, ceiling, queue);
        return new ReplayResult(queue, fromSequence, ceiling, sent);
    }

    private object? Map(IEvent @event)
    {
        try
        {
            return map.ToIntegrationEvent(@event);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // a dead letter of the relay; re-published only on an operator's word
        }
    }

    private async Task<long> RelayedUpToAsync(CancellationToken cancellationToken)
    {
        var relay = (await store.Advanced.AllProjectionProgress(token: cancellationToken))
            .FirstOrDefault(p => p.ShardName == IntegrationEventRelay.SubscriptionName + ":All");
        return relay?.Sequence ?? 0;
    }
}
