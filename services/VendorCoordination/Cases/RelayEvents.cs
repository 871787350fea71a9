using VulnPlatform.Contracts;

namespace VulnPlatform.VendorCoordination.Cases;

// The anonymised relay between a vendor and the reporter, and the reporter's files the coordinator
// shares with a vendor. A reporter's message is recorded as from "the reporter" (never their account).

/// <summary>The coordinator wants to read every relayed message before it goes on (or no longer does).</summary>
public sealed record RelayReviewChanged(Guid CaseId, bool Hold, Actor By, DateTimeOffset At);

/// <summary>A message for the other side; <see cref="Held"/> when the case holds messages for the coordinator's review, else relayed at once.</summary>
public sealed record RelayMessageReceived(
    Guid CaseId, Guid OrganisationId, Guid MessageId, string Direction, string Text, bool Held, Actor By, DateTimeOffset At,
    string? TrackingNumber = null, string? OrganisationName = null);

/// <summary>The coordinator let a held message go on (it carries what the relay needs).</summary>
public sealed record RelayMessageReleased(
    Guid CaseId, Guid OrganisationId, Guid MessageId, string Direction, string Text, Actor By, DateTimeOffset At,
    string? TrackingNumber = null, string? OrganisationName = null);

/// <summary>The coordinator stopped a held message, saying why (the sender sees the reason).</summary>
public sealed record RelayMessageDeclined(Guid CaseId, Guid OrganisationId, Guid MessageId, string Reason, Actor By, DateTimeOffset At);

/// <summary>The coordinator shared one of the reporter's files with one vendor (what the file is, never its content).</summary>
public sealed record AttachmentShared(
    Guid CaseId, Guid OrganisationId, Guid AttachmentId, string FileName, long Size, string Sha256, string ContentType, Actor By, DateTimeOffset At);

public sealed record AttachmentUnshared(Guid CaseId, Guid OrganisationId, Guid AttachmentId, Actor By, DateTimeOffset At);

public static class RelayStates
{
    public const string Held = "held";
    public const string Relayed = "relayed";
    public const string Declined = "declined";
}

/// <summary>A message between the vendor and the reporter as the coordinator sees it.</summary>
public sealed class RelayedMessage
{
    public Guid Id { get; set; }
    public string Direction { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string State { get; set; } = RelayStates.Relayed;
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Reason { get; set; }
}

/// <summary>A reporter's file shared with a vendor; <see cref="FileName"/> is the reporter's name for it (the vendor sees a neutral one).</summary>
public sealed record SharedFile(Guid AttachmentId, string FileName, long Size, string Sha256, string ContentType, DateTimeOffset SharedAt);
