using Marten;
using JasperFx;
using MassTransit;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>The record that a consumer applied a message; its id is consumer name + message id.</summary>
public sealed record ProcessedMessage(string Id, DateTimeOffset ProcessedAt);

/// <summary>
/// Base of every consumer: the message's effect and the record that it was applied are saved in
/// one Marten transaction, so a message delivered twice (relay repeat, broker redelivery) has its
/// effect once. Concurrent duplicates race on the record's primary key; the loser changes nothing.
/// </summary>
public abstract class IdempotentConsumer<TMessage>(ISessionFactory sessions, TimeProvider time) : IConsumer<TMessage>
    where TMessage : class
{
    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated.");
        var recordId = $"{GetType().Name}/{messageId:N}";

        await using var session = sessions.OpenSession();
        if (await session.LoadAsync<ProcessedMessage>(recordId, context.CancellationToken) is not null)
        {
            return;
        }

        session.Insert(new ProcessedMessage(recordId, time.GetUtcNow()));
        await HandleAsync(context, session);

        try
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (DocumentAlreadyExistsException)
        {
            // Another delivery of the same message committed first; its effect stands, ours is discarded.
        }
    }

    /// <summary>Applies the message through <paramref name="session"/>; do not save it here.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, IDocumentSession session);
}
