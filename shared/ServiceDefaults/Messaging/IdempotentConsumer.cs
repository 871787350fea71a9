using JasperFx;
using Marten;
using MassTransit;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Marks a consumer whose messages are each about a different thing (one per report, say), so their
/// order within its queue means nothing: its queue is consumed <see cref="MessagingOptions.IndependentConcurrency"/>
/// messages at a time instead of one.
/// </summary>
public interface IIndependentMessages;

/// <summary>The record that a consumer applied a message; its id is consumer name + message id.</summary>
public sealed record ProcessedMessage(string Id, DateTimeOffset ProcessedAt);

/// <summary>What a consumer may know of a delivery besides the message: ids and time, never the bus.</summary>
public sealed record Delivery(Guid MessageId, Guid? CorrelationId, DateTimeOffset? SentAt);

/// <summary>
/// Base of every consumer (the inbox): the message's effect and the record that it was applied are
/// saved in one Marten transaction, so a message delivered twice (relay repeat, redelivery, replay)
/// has its effect once. Concurrent duplicates race on the record's primary key; the loser changes
/// nothing. Any other conflict is an error: MassTransit retries it, then moves it to the error queue.
/// <para>
/// The handler gets the message and a session, not the <see cref="ConsumeContext"/>: what a consumer
/// wants others to hear it appends to its own event store, and the relay publishes it.
/// </para>
/// </summary>
public abstract class IdempotentConsumer<TMessage>(ISessionFactory sessions, TimeProvider time) : IConsumer<TMessage>
    where TMessage : class
{
    /// <summary>
    /// The consumer's name in its processed-message records. Fixed in code, never derived from the
    /// class name: renaming the class must not make every message look new.
    /// </summary>
    protected abstract string ConsumerName { get; }

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated.");
        var recordId = RecordId(ConsumerName, messageId);

        await using var session = sessions.OpenSession();
        if (await session.LoadAsync<ProcessedMessage>(recordId, context.CancellationToken) is not null)
        {
            return;
        }

        session.Insert(new ProcessedMessage(recordId, time.GetUtcNow()));
        await HandleAsync(
            context.Message,
            new Delivery(messageId, context.CorrelationId, context.SentTime is { } sent ? new DateTimeOffset(sent, TimeSpan.Zero) : null),
            session,
            context.CancellationToken);

        try
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (DocumentAlreadyExistsException conflict)
            when (conflict.DocType == typeof(ProcessedMessage) && Equals(conflict.Id, recordId))
        {
            // Another delivery of the same message committed first; its effect stands, ours is discarded.
            return;
        }
        AfterCommit();
    }

    /// <summary>Runs once the effect is committed (for example, to wake a worker that acts on it); not for a repeat.</summary>
    protected virtual void AfterCommit()
    {
    }

    public static string RecordId(string consumerName, Guid messageId) => $"{consumerName}/{messageId:N}";

    /// <summary>Applies the message through <paramref name="session"/>; do not save it here.</summary>
    protected abstract Task HandleAsync(TMessage message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken);
}
