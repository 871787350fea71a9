namespace VulnPlatform.Notification.Deliveries;

/// <summary>
/// What a channel reports of an attempt: delivered; failed before anything was handed over (worth
/// retrying, or never going to work); or failed at a point where whether it arrived is unknown
/// (<see cref="OutcomeUnknown"/>: not retried on a channel that cannot de-duplicate).
/// </summary>
public sealed record SendOutcome(bool Success, bool Retryable, string? Reason, bool OutcomeUnknown = false)
{
    public static SendOutcome Delivered { get; } = new(true, false, null);
    public static SendOutcome Retry(string reason) => new(false, true, reason);
    public static SendOutcome Permanent(string reason) => new(false, false, reason);
    public static SendOutcome Unknown(string reason) => new(false, false, reason, OutcomeUnknown: true);

    /// <summary>Another instance took the delivery over before this attempt handed anything over: nothing to record.</summary>
    public static SendOutcome Superseded { get; } = new(false, false, "superseded");
}
