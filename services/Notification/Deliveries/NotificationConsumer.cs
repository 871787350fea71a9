using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Notification.Inbox;
using VulnPlatform.Notification.Recipients;
using VulnPlatform.Notification.Webhooks;
using VulnPlatform.ServiceDefaults.Messaging;
using BusDelivery = VulnPlatform.ServiceDefaults.Messaging.Delivery;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>
/// One consumer per integration event type Notification listens to. In the same transaction as the
/// inbox record it: keeps what it must know of a report's reporter (opaque facts only), records the
/// intent of every e-mail and webhook the event means (each delivery's id derived from the event,
/// recipient and channel, so a repeat finds it there), and writes the in-app inbox messages. The
/// worker is woken once that is committed.
/// </summary>
public sealed class NotificationConsumer<TMessage>(
    ISessionFactory sessions, TimeProvider time, IOptions<NotificationPolicyOptions> policy, DeliverySignal signal)
    : IdempotentConsumer<TMessage>(sessions, time)
    where TMessage : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TimeProvider _time = time;

    protected override string ConsumerName => $"notification.{typeof(TMessage).Name}";

    protected override async Task HandleAsync(TMessage message, BusDelivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await RememberReporterAsync(message, session, cancellationToken);
        foreach (var planned in NotificationPlan.For(message, policy.Value))
        {
            if (planned.Email) await QueueAsync(session, delivery.MessageId, planned, DeliveryChannels.Email, planned.Recipient, planned.Values, now, cancellationToken);
            if (planned.Inbox) Inbox(session, delivery.MessageId, planned, now);
        }
        if (WebhookEventTypes.NameOf(typeof(TMessage)) is { } eventType)
        {
            var payload = JsonSerializer.Serialize(new { type = eventType, timestamp = now, data = message }, Json);
            var subscribers = await session.Query<WebhookSubscription>().Where(s => s.Active && !s.Removed).ToListAsync(cancellationToken);
            foreach (var subscriber in subscribers.Where(s => s.Wants(eventType)))
            {
                var planned = new PlannedMessage(eventType, new Recipient(Recipient.Webhook, subscriber.Id.ToString()), ReportIdOf(message), TrackingNumberOf(message), [], Inbox: false);
                await QueueAsync(session, delivery.MessageId, planned, DeliveryChannels.Webhook, planned.Recipient, new() { ["payload"] = payload }, now, cancellationToken);
            }
        }
    }

    protected override void AfterCommit() => signal.Notify();

    private static async Task QueueAsync(
        IDocumentSession session, Guid sourceEventId, PlannedMessage planned, string channel, Recipient recipient, Dictionary<string, string?> values,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = DeliveryIds.For(sourceEventId, recipient, channel);
        if (await session.Events.FetchStreamStateAsync(id, cancellationToken) is not null) return; // queued already
        session.Events.StartStream<Delivery>(id, new NotificationQueued(
            id, sourceEventId, typeof(TMessage).Name, planned.Template, channel, recipient, planned.ReportId, planned.TrackingNumber, values, now));
    }

    private static void Inbox(IDocumentSession session, Guid sourceEventId, PlannedMessage planned, DateTimeOffset now)
    {
        var owner = planned.Recipient;
        session.Store(new InboxMessage
        {
            Id = DeliveryIds.For(sourceEventId, owner, "inbox"),
            AccountId = owner.Kind == Recipient.Account ? Guid.Parse(owner.Ref) : null,
            ReportId = owner.Kind == Recipient.Reporter ? Guid.Parse(owner.Ref) : null,
            TrackingNumber = planned.TrackingNumber, Template = planned.Template, Values = planned.Values, CreatedAt = now,
        });
    }

    /// <summary>
    /// Queues differ per event type, so a consent change may arrive before the submission: each fills
    /// in its part. Concurrent writers are refused (insert of a new record, optimistic concurrency on a
    /// known one) and the bus retries the loser, which then reads the winner's record.
    /// </summary>
    private static async Task RememberReporterAsync(TMessage message, IDocumentSession session, CancellationToken cancellationToken)
    {
        async Task UpdateAsync(Guid reportId, string trackingNumber, Action<ReportRecipient> change)
        {
            var known = await session.LoadAsync<ReportRecipient>(reportId, cancellationToken);
            var recipient = known ?? new ReportRecipient { Id = reportId, TrackingNumber = trackingNumber };
            change(recipient);
            if (known is null) session.Insert(recipient);
            else session.Update(recipient);
        }
        switch (message)
        {
            case ReportSubmitted m:
                await UpdateAsync(m.ReportId, m.TrackingNumber, r =>
                {
                    r.HasContact = !m.Anonymous && !r.Erased;
                    r.AccountId = m.SubmittedBy.Id is { } account && Guid.TryParse(account, out var accountId) ? accountId : null;
                });
                break;
            case ReporterConsentChanged m:
                await UpdateAsync(m.ReportId, m.TrackingNumber, r =>
                {
                    // Consent changes travel eight at a time and retry: an older "yes" landing after a newer "no" must not undo it.
                    if (r.ConsentChangedAt > m.ChangedAt) return;
                    r.ShareIdentityWithVendor = m.ShareIdentityWithVendor;
                    r.CreditName = m.PublicCredit && !r.Erased ? m.CreditName : null;
                    r.ConsentChangedAt = m.ChangedAt;
                });
                break;
            case ReporterDataErased m:
                await UpdateAsync(m.ReportId, m.TrackingNumber, r =>
                {
                    r.HasContact = false;
                    r.Erased = true;
                    r.CreditName = null;
                });
                await ForgetAsync(session, m.ReportId, m.TrackingNumber, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// What Notification holds of an erased reporter goes: the personal values of the report's inbox
    /// messages and deliveries (the credit name), in the documents and in the deliveries' stored events.
    /// The masking is its own transaction before this one commits; it is idempotent, so a retry repeats it.
    /// </summary>
    private static async Task ForgetAsync(IDocumentSession session, Guid reportId, string trackingNumber, CancellationToken cancellationToken)
    {
        foreach (var message in await session.Query<InboxMessage>().Where(i => i.ReportId == reportId || i.TrackingNumber == trackingNumber).ToListAsync(cancellationToken))
        {
            message.Values = PersonalValues.Without(message.Values);
            session.Store(message);
        }
        var deliveries = await session.Query<Delivery>().Where(d => d.ReportId == reportId).Select(d => d.Id).ToListAsync(cancellationToken);
        if (deliveries.Count > 0)
        {
            await session.DocumentStore.Advanced.ApplyEventDataMasking(masking =>
            {
                foreach (var id in deliveries) masking.IncludeStream(id);
            }, cancellationToken);
            foreach (var delivery in await session.LoadManyAsync<Delivery>(cancellationToken, deliveries))
            {
                delivery.Values = PersonalValues.Without(delivery.Values);
                session.Store(delivery);
            }
        }
    }

    private static string? TrackingNumberOf(TMessage message) => message.GetType().GetProperty("TrackingNumber")?.GetValue(message) as string;

    private static Guid? ReportIdOf(TMessage message) =>
        message.GetType().GetProperty("ReportId")?.GetValue(message) is Guid id ? id : null;
}
