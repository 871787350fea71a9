using System.Security.Cryptography;
using System.Text;

namespace VulnPlatform.Notification.Deliveries;

public static class DeliveryChannels
{
    public const string Email = "email";
    public const string Webhook = "webhook";
}

/// <summary>
/// Who a notification is for, as an opaque reference resolved only when it is sent: a report's
/// reporter (the report id), an account (its id), a desk (its name), a webhook subscription (its id).
/// Addresses are never stored here.
/// </summary>
public sealed record Recipient(string Kind, string Ref)
{
    public const string Reporter = "reporter";
    public const string Account = "account";
    public const string Desk = "desk";
    public const string Webhook = "webhook";
    public const string Vendor = "vendor";
    /// <summary>A customer contact of Disclosure's (embargoed pre-notices), by its id.</summary>
    public const string Customer = "customer";
    /// <summary>Someone who asked Disclosure for a pen-test report, by the request's id.</summary>
    public const string PentestRequester = "pentest-requester";

    public override string ToString() => $"{Kind}:{Ref}";
}

public static class DeliveryStatus
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string RetryPending = "retry-pending";
    public const string GivenUp = "given-up";
}

// A delivery's stream: one per (source event, recipient, channel), its id derived from the three, so
// a source event that arrives twice finds the stream already there.

/// <summary>The intent, recorded before anything is sent: which template, to whom, through which channel, with which values.</summary>
public sealed record NotificationQueued(
    Guid DeliveryId, Guid SourceEventId, string SourceType, string Template, string Channel, Recipient Recipient,
    Guid? ReportId, string? TrackingNumber, Dictionary<string, string?> Values, DateTimeOffset At);

/// <summary>A send begins (attempt 1); recorded and committed before the channel is touched.</summary>
public sealed record DeliveryAttempted(Guid DeliveryId, int Attempt, DateTimeOffset At);

/// <summary>A later attempt begins after a failure.</summary>
public sealed record DeliveryRetried(Guid DeliveryId, int Attempt, DateTimeOffset At);

/// <summary>
/// The e-mail, looked up and rendered, is handed to the SMTP server now (recorded and committed just
/// before): an attempt that stopped before this can be sent again without risk of a second copy;
/// one that stopped after it may have arrived.
/// </summary>
public sealed record EmailHandedOver(Guid DeliveryId, int Attempt, DateTimeOffset At);

public sealed record NotificationSent(Guid DeliveryId, int Attempt, DateTimeOffset At);

/// <summary>An attempt failed for a reason that may pass; the next one is due at <see cref="RetryAt"/>.</summary>
public sealed record DeliveryFailed(Guid DeliveryId, int Attempt, string Reason, DateTimeOffset RetryAt, DateTimeOffset At);

/// <summary>No further attempt: the reason is permanent, the attempts ran out, or whether the last one arrived is unknown.</summary>
public sealed record NotificationGivenUp(Guid DeliveryId, int Attempt, string Reason, DateTimeOffset At);

public static class DeliveryEventTypes
{
    public static readonly Type[] All =
    [
        typeof(NotificationQueued), typeof(DeliveryAttempted), typeof(DeliveryRetried), typeof(NotificationSent),
        typeof(DeliveryFailed), typeof(NotificationGivenUp), typeof(EmailHandedOver),
    ];
}

public static class DeliveryIds
{
    /// <summary>The same source event, recipient and channel give the same id (a name-based id over SHA-256).</summary>
    public static Guid For(Guid sourceEventId, Recipient recipient, string channel)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceEventId:N}|{recipient}|{channel}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (custom), as RFC 9562 allows
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
