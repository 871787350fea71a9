namespace VulnPlatform.Notification.Recipients;

/// <summary>
/// What Notification keeps of a report's reporter: opaque facts from the bus, never an address — the
/// account that submitted it (if any), whether the reporter left contact details, and whether they
/// allow their identity to reach vendors.
/// </summary>
public sealed class ReportRecipient
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
    public Guid? AccountId { get; set; }
    public bool HasContact { get; set; }
    public bool ShareIdentityWithVendor { get; set; }
    /// <summary>The name the reporter chose for public credit (from the bus; only while they want credit).</summary>
    public string? CreditName { get; set; }
    public bool Erased { get; set; }
    /// <summary>When the consent held here was given: a change made earlier that arrives later (a retry) is ignored.</summary>
    public DateTimeOffset? ConsentChangedAt { get; set; }
}
