using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Notification.Channels;
using VulnPlatform.Notification.Recipients;
using VulnPlatform.Notification.Templates;
using VulnPlatform.Notification.Webhooks;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>Section <c>Notification:Delivery</c>.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Notification:Delivery";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// Deliveries handled at once per instance. Most of an attempt is waiting (PostgreSQL commits, the
    /// contact lookup, SMTP), so this is well above the cores; SMTP connections are limited apart
    /// (<c>Notification:Smtp:Connections</c>).
    /// </summary>
    public int Concurrency { get; set; } = 16;
    public int MaxAttempts { get; set; } = 10;
    /// <summary>The wait after the first failure; it doubles with each further one up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromHours(2);
    /// <summary>
    /// An attempt still under way after this long belonged to an instance that stopped mid-send (an
    /// attempt that is only slow finds, before handing its e-mail over, that it was taken over).
    /// </summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Wakes the worker as soon as a consumer committed new deliveries (the poll is the fallback).</summary>
public sealed class DeliverySignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Sends what is due. Per delivery: under its stream's lock the attempt is recorded and committed
/// first (so no other instance takes it), then the channel is used, then the outcome is recorded.
/// E-mail is sent at most once: the moment it is handed to the SMTP server is recorded first, so an
/// attempt that stopped before that (the common case: lookups and rendering take the time) is sent
/// again, and only one whose outcome is truly unknown (the connection broke or the instance stopped
/// during the hand-over) is given up, not repeated. Webhooks are retried with the same
/// <c>webhook-id</c>, which subscribers use to drop repeats.
/// </summary>
public sealed class DeliveryWorker(
    IDocumentStore store, TimeProvider time, IOptions<DeliveryOptions> options, IOptions<WebhookOptions> webhookOptions, DeliverySignal signal,
    MessageTemplates templates, ContactDirectory contacts, EmailChannel email, WebhookSender webhooks, NotificationMetrics metrics,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private const int Batch = 200;

    /// <summary>The reason given when an e-mail's attempt stopped after the hand-over: it may or may not have arrived.</summary>
    public const string UnknownOutcome = "Whether the message arrived is unknown: the sending instance stopped while handing it to the SMTP server. Not resent, so that it is never sent twice.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "A delivery round failed; the next starts in {Interval}", options.Value.PollInterval);
            }
            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
    }

    /// <summary>One round over what is due now (and attempts left unfinished by a stopped instance); returns how many it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stuckBefore = now - options.Value.StuckAfter;
        var due = new List<Guid>();
        await using (var query = store.QuerySession())
        {
            // Two queries, each on its own index: one with an OR read the whole table every round
            // (measured: PostgreSQL's CPU per receipt the largest of all at 100 reports/s).
            due.AddRange(await query.Query<Delivery>().Where(d => d.DueAt != null && d.DueAt <= now)
                .OrderBy(d => d.DueAt).Select(d => d.Id).Take(Batch).ToListAsync(cancellationToken));
            due.AddRange(await query.Query<Delivery>().Where(d => d.Status == DeliveryStatus.Sending && d.AttemptStartedAt < stuckBefore)
                .Select(d => d.Id).Take(Batch).ToListAsync(cancellationToken));
        }
        var handled = 0;
        await Parallel.ForEachAsync(due.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                try
                {
                    if (await DeliverAsync(id, ct)) Interlocked.Increment(ref handled);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // One delivery's failure (the database away mid-attempt, say) must not cancel the
                    // others in flight: an attempt cut off after it was recorded waits StuckAfter.
                    logger.LogWarning(e, "Delivery {DeliveryId} failed; it is tried again", id);
                }
            });
        return handled;
    }

    private async Task<bool> DeliverAsync(Guid id, CancellationToken cancellationToken)
    {
        Delivery delivery;
        int attempt;
        await using (var session = store.LightweightSession())
        {
            var stream = await session.Events.FetchForExclusiveWriting<Delivery>(id, cancellationToken);
            if (stream.Aggregate is not { } current) return false;
            var now = time.GetUtcNow();
            if (current.Status == DeliveryStatus.Sending)
            {
                if (current.AttemptStartedAt >= now - options.Value.StuckAfter) return false; // another instance is on it
                // The instance that began this attempt stopped before recording its outcome. An e-mail
                // it had not yet handed to the SMTP server is sent again at once; one it had may have
                // arrived and is not repeated (never twice). Webhooks go again with the same webhook-id.
                stream.AppendOne(current.Channel switch
                {
                    DeliveryChannels.Email when current.HandedOverAttempt == current.Attempts =>
                        new NotificationGivenUp(id, current.Attempts, UnknownOutcome, now),
                    DeliveryChannels.Email =>
                        new DeliveryFailed(id, current.Attempts, "The sending instance stopped before handing the message to the SMTP server; sent again.", now, now),
                    _ => Failure(current, "The sending instance stopped mid-send; resent with the same webhook-id.", now),
                });
                await session.SaveChangesAsync(cancellationToken);
                return true;
            }
            if (current.DueAt is not { } dueAt || dueAt > now) return false;
            attempt = current.Attempts + 1;
            stream.AppendOne(attempt == 1 ? new DeliveryAttempted(id, attempt, now) : new DeliveryRetried(id, attempt, now));
            await session.SaveChangesAsync(cancellationToken);
            delivery = current;
        }

        SendOutcome outcome;
        var handedOver = false;
        try
        {
            outcome = await SendAsync(delivery, attempt, () => handedOver = true, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            outcome = SendOutcome.Retry($"A lookup the message needs failed: {e.Message}");
        }
        catch (Exception e) when (!handedOver && !cancellationToken.IsCancellationRequested)
        {
            // Nothing left this instance yet (a lookup timed out, the database failed before the
            // hand-over): recorded as a failed attempt and tried again, instead of waiting StuckAfter.
            outcome = SendOutcome.Retry($"The attempt failed before the message was sent: {e.GetType().Name}: {e.Message}");
        }
        if (ReferenceEquals(outcome, SendOutcome.Superseded)) return false;
        await RecordAsync(delivery, attempt, outcome, cancellationToken);
        metrics.Record(delivery, outcome);
        return true;
    }

    private async Task<SendOutcome> SendAsync(Delivery delivery, int attempt, Action handedOver, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        if (delivery.Channel == DeliveryChannels.Webhook)
        {
            var subscription = await session.LoadAsync<WebhookSubscription>(Guid.Parse(delivery.Recipient.Ref), cancellationToken);
            if (subscription is null || subscription.Removed) return SendOutcome.Permanent("The webhook subscription was removed.");
            if (!subscription.Active) return SendOutcome.Permanent($"The webhook subscription is disabled ({subscription.DisabledReason}).");
            return await webhooks.SendAsync(subscription, delivery, cancellationToken);
        }

        var values = new Dictionary<string, string?>(delivery.Values);
        string? replyTo = null;
        Contact contact;
        var lookup = await contacts.FindAsync(session, delivery.Recipient, cancellationToken);
        if (lookup.Contact is not { } found) return lookup.Permanent ? SendOutcome.Permanent(lookup.Problem!) : SendOutcome.Retry(lookup.Problem!);
        contact = found;
        if (delivery.Template == "email-confirmation")
        {
            var link = await contacts.IdentityAsync<EmailConfirmationLink>(
                $"internal/accounts/{delivery.Recipient.Ref}/email-confirmations/{values["requestId"]}", cancellationToken);
            if (link is null) return SendOutcome.Permanent("The confirmation was replaced by a newer one or the address is confirmed already.");
            values["link"] = link.Link.ToString();
            values["expiresAt"] = link.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        }
        if (delivery.Template == "pentest-approved")
        {
            // The link carries the download's secret: asked for now, never stored or put on the bus.
            var requester = await contacts.PentestRequesterAsync(Guid.Parse(delivery.Recipient.Ref), cancellationToken);
            if (requester?.Link is not { } link) return SendOutcome.Permanent("The approval was revoked or has expired; there is no link to send.");
            values["link"] = link.ToString();
            values["expiresAt"] = requester.ExpiresAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        }
        if (delivery.Template == "desk-submission" && delivery.ReportId is { } routedReport)
        {
            // The desk answers the sender directly, when they left an address.
            var sender = await contacts.ReporterAsync(routedReport, cancellationToken);
            replyTo = sender.Contact?.Email;
        }

        var consent = (Consented: false, Reporter: (Contact?)null, Credit: (string?)null);
        if (RedactionGuard.IsVendorBound(delivery) && delivery.ReportId is { } reportId)
        {
            // The reporter's identity as it stands now: named to the vendor only with consent now, and looked for otherwise.
            var reporter = await session.LoadAsync<ReportRecipient>(reportId, cancellationToken);
            if (reporter is null) return SendOutcome.Retry("The report's reporter is not known yet; a vendor message waits until the redaction guard can check it.");
            var identity = await contacts.FindAsync(session, new Recipient(Recipient.Reporter, reportId.ToString()), cancellationToken);
            if (identity.Contact is null && !identity.Permanent) return SendOutcome.Retry($"The redaction guard could not read the reporter's identity: {identity.Problem}");
            consent = (reporter.ShareIdentityWithVendor, identity.Contact, reporter.CreditName);
            if (consent.Consented && identity.Contact is { } shared)
            {
                values["reporterName"] = shared.Name;
                values["reporterEmail"] = shared.Email;
            }
            if (consent.Consented) values["reporterCredit"] = reporter.CreditName;
        }

        var rendered = templates.Render(delivery.Template, contact.Language, values);
        if (RedactionGuard.IsVendorBound(delivery) && RedactionGuard.Check(rendered, consent.Reporter, consent.Consented, consent.Credit) is { } refused)
        {
            return SendOutcome.Permanent(refused);
        }
        var message = email.Compose(delivery.Id, contact.Email, contact.Name, rendered, replyTo, contact.AlsoTo);
        return await email.SendAsync(message, cancellationToken, async ct =>
        {
            var proceed = await HandOverAsync(delivery.Id, attempt, ct);
            if (proceed) handedOver();
            return proceed;
        });
    }

    /// <summary>
    /// Records that this attempt hands its e-mail over now, unless another instance took the delivery
    /// over meanwhile (this attempt was thought stopped): then nothing is sent by this one.
    /// </summary>
    private async Task<bool> HandOverAsync(Guid id, int attempt, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForExclusiveWriting<Delivery>(id, cancellationToken);
        if (stream.Aggregate is not { Status: DeliveryStatus.Sending } current || current.Attempts != attempt) return false;
        stream.AppendOne(new EmailHandedOver(id, attempt, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task RecordAsync(Delivery delivery, int attempt, SendOutcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        object result = outcome switch
        {
            { Success: true } => new NotificationSent(delivery.Id, attempt, now),
            { Retryable: true } when attempt < options.Value.MaxAttempts => Failure(delivery, outcome.Reason!, now, attempt),
            { Retryable: true } => new NotificationGivenUp(delivery.Id, attempt, $"Gave up after {attempt} attempts; the last: {outcome.Reason}", now),
            { OutcomeUnknown: true } when delivery.Channel == DeliveryChannels.Webhook => Failure(delivery, outcome.Reason!, now, attempt),
            _ => new NotificationGivenUp(delivery.Id, attempt, outcome.Reason!, now),
        };
        session.Events.Append(delivery.Id, result);
        if (delivery.Channel == DeliveryChannels.Webhook) await RecordSubscriberHealthAsync(session, Guid.Parse(delivery.Recipient.Ref), outcome, now, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
    }

    private DeliveryFailed Failure(Delivery delivery, string reason, DateTimeOffset now, int? attempt = null)
    {
        var n = attempt ?? delivery.Attempts;
        var wait = options.Value.RetryBase * Math.Pow(2, Math.Min(n - 1, 20));
        if (wait > options.Value.RetryMax) wait = options.Value.RetryMax;
        return new DeliveryFailed(delivery.Id, n, reason, now + wait, now);
    }

    /// <summary>A run of failed attempts disables the subscriber; a success ends the run.</summary>
    private async Task RecordSubscriberHealthAsync(IDocumentSession session, Guid subscriptionId, SendOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForExclusiveWriting<WebhookSubscription>(subscriptionId, cancellationToken);
        if (stream.Aggregate is not { Removed: false } subscription) return;
        if (outcome.Success)
        {
            if (subscription.ConsecutiveFailures > 0) stream.AppendOne(new WebhookRecovered(subscriptionId, now));
            return;
        }
        var failures = subscription.ConsecutiveFailures + 1;
        stream.AppendOne(new WebhookAttemptFailed(subscriptionId, failures, outcome.Reason ?? "failed", now));
        if (subscription.Active && failures >= webhookOptions.Value.DisableAfterConsecutiveFailures)
        {
            stream.AppendOne(new WebhookDisabled(subscriptionId, $"{failures} delivery attempts failed in a row; the last: {outcome.Reason}", Contracts.Actor.System, now));
        }
    }
}
