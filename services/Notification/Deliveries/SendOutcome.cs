using System.Text.RegularExpressions;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>
/// What a channel reports of an attempt: delivered; failed before anything was handed over (worth
/// retrying, or never going to work); or failed at a point where whether it arrived is unknown
/// (<see cref="OutcomeUnknown"/>: not retried on a channel that cannot de-duplicate).
/// </summary>
public sealed partial record SendOutcome(bool Success, bool Retryable, string? Reason, bool OutcomeUnknown = false)
{
    /// <summary>
    /// Why it failed, without any e-mail address: mail servers echo the recipient in their refusals
    /// ("550 5.1.1 &lt;name@example.org&gt;: unknown user"), and the reason is stored and shown to staff in the
    /// delivery log, where a reporter's address may be read only through the audited reveal.
    /// </summary>
    public string? Reason { get; init; } = Reason is null ? null : Address().Replace(Reason, "[address]");

    public static SendOutcome Delivered { get; } = new(true, false, null);
    public static SendOutcome Retry(string reason) => new(false, true, reason);
    public static SendOutcome Permanent(string reason) => new(false, false, reason);
    public static SendOutcome Unknown(string reason) => new(false, false, reason, OutcomeUnknown: true);

    /// <summary>Another instance took the delivery over before this attempt handed anything over: nothing to record.</summary>
    public static SendOutcome Superseded { get; } = new(false, false, "superseded");

    // Anything shaped like local@domain, however it is quoted or bracketed around it.
    [GeneratedRegex(@"[^\s<>""'(),;:\[\]@]+@[^\s<>""'(),;:\[\]@]+", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
