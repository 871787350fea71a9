namespace VulnPlatform.Notification.Inbox;

/// <summary>
/// A message in someone's in-app inbox: an account's (staff notices, security notices) or a report's
/// (what its reporter is told; a signed-in reporter sees their reports' messages, an anonymous one
/// reads them with the follow-up token). Stored as template and values, rendered in the reader's language.
/// </summary>
public sealed class InboxMessage
{
    public Guid Id { get; set; }
    public Guid? AccountId { get; set; }
    public Guid? ReportId { get; set; }
    public string? TrackingNumber { get; set; }
    public string Template { get; set; } = "";
    public Dictionary<string, string?> Values { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}
