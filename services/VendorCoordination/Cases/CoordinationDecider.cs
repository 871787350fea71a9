using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.VendorCoordination.Cases;

public abstract record CoordinationCommand;
public sealed record AddVendor(Guid OrganisationId, string OrganisationName) : CoordinationCommand;
/// <summary>A coordinator takes a vendor off the case (added by mistake, or not the right organisation), saying why.</summary>
public sealed record RemoveVendor(Guid OrganisationId, string Reason) : CoordinationCommand;
public sealed record SetVendorStatus(Guid OrganisationId, string Status, string? Justification, string? FixedVersion) : CoordinationCommand;
public sealed record PostStatement(Guid OrganisationId, string Text) : CoordinationCommand;
/// <summary>Send the vendor its notice; the first notice proposes a disclosure date <see cref="DisclosureAfterDays"/> on.</summary>
public sealed record NotifyVendor(Guid OrganisationId, string Summary, bool ExploitedInTheWild = false, int DisclosureAfterDays = 90) : CoordinationCommand;
public sealed record RequestDisclosureDate(Guid OrganisationId, DateTimeOffset DisclosureAt, string Reason) : CoordinationCommand;
public sealed record AgreeDisclosureDate(DateTimeOffset DisclosureAt) : CoordinationCommand;
public sealed record AcknowledgeNotice(Guid OrganisationId) : CoordinationCommand;
/// <summary>A message for the other side of the relay (<see cref="Direction"/> one of RelayDirections).</summary>
public sealed record RelayMessage(Guid OrganisationId, Guid MessageId, string Direction, string Text) : CoordinationCommand;
public sealed record SetRelayReview(bool Hold) : CoordinationCommand;
public sealed record ReleaseMessage(Guid MessageId) : CoordinationCommand;
public sealed record DeclineMessage(Guid MessageId, string Reason) : CoordinationCommand;
/// <summary>Share (or stop sharing) one of the reporter's files with one vendor; <see cref="File"/> is what Intake said the file is.</summary>
public sealed record ShareAttachment(Guid OrganisationId, ReportFile File, bool Share) : CoordinationCommand;

public sealed record CoordinationDecision(IReadOnlyList<object> Events, Refusal? Refusal)
{
    public static CoordinationDecision Of(params object[] events) => new(events, null);
    public static CoordinationDecision Refused(int status, string title, string detail) =>
        new([], new Refusal(status, ProblemTypes.ForStatus(status) ?? ProblemTypes.Conflict, title, detail));
}

/// <summary>What a command on a coordination case means, decided on the case as it stands (pure).</summary>
public static class CoordinationDecider
{
    public static CoordinationDecision Decide(CoordinationCase c, CoordinationCommand command, Actor by, DateTimeOffset now) => command switch
    {
        AddVendor add when c.Vendor(add.OrganisationId) is not null =>
            Conflict("Vendor already on the case", $"{add.OrganisationName} is already part of this case."),
        AddVendor add => CoordinationDecision.Of(new VendorAdded(c.Id, add.OrganisationId, add.OrganisationName, by, now)),
        RemoveVendor remove when c.Vendor(remove.OrganisationId) is null => NotOnCase(),
        RemoveVendor remove => CoordinationDecision.Of(new VendorRemoved(c.Id, remove.OrganisationId, c.Vendor(remove.OrganisationId)!.Name, remove.Reason,
            c.Vendor(remove.OrganisationId)!.NotifiedAt is not null, by, now, c.TrackingNumber)),
        SetVendorStatus set when c.Vendor(set.OrganisationId) is null => NotOnCase(),
        SetVendorStatus { Status: VendorStatuses.NotAffected, Justification: null } =>
            Invalid("A justification is needed", "Not affected needs a VEX justification: " + string.Join(", ", VendorStatuses.Justifications) + "."),
        SetVendorStatus { Status: VendorStatuses.Fixed, FixedVersion: null } => Invalid("A fixed version is needed", "Fixed needs the version that fixes it."),
        SetVendorStatus set when c.Vendor(set.OrganisationId) is { } v && v.Status == set.Status && v.Justification == set.Justification && v.FixedVersion == set.FixedVersion =>
            CoordinationDecision.Of(), // nothing changes
        SetVendorStatus set => CoordinationDecision.Of(new VendorStatusSet(c.Id, set.OrganisationId, set.Status,
            set.Status == VendorStatuses.NotAffected ? set.Justification : null, set.Status == VendorStatuses.Fixed ? set.FixedVersion : null, by, now, c.TrackingNumber)),
        PostStatement post when c.Vendor(post.OrganisationId) is null => NotOnCase(),
        PostStatement post => CoordinationDecision.Of(new VendorStatementMade(c.Id, post.OrganisationId, post.Text, by, now, c.TrackingNumber)),
        NotifyVendor notify when c.Vendor(notify.OrganisationId) is null => NotOnCase(),
        NotifyVendor notify => CoordinationDecision.Of([
            new VendorNotificationSent(c.Id, notify.OrganisationId, notify.Summary, by, now, c.TrackingNumber, c.Vendor(notify.OrganisationId)!.Name),
            .. Proposal(c, notify, now)]),
        RequestDisclosureDate request when c.Vendor(request.OrganisationId) is null => NotOnCase(),
        RequestDisclosureDate request when request.DisclosureAt <= now => Invalid("A date to come", "The disclosure date asked for has passed already."),
        RequestDisclosureDate request => CoordinationDecision.Of(new DisclosureDateChangeRequested(c.Id, request.OrganisationId, request.DisclosureAt, request.Reason, by, now)),
        AgreeDisclosureDate agree when agree.DisclosureAt <= now => Invalid("A date to come", "The disclosure date must be in the future."),
        AgreeDisclosureDate agree => CoordinationDecision.Of(new DisclosureDateAgreed(c.Id, agree.DisclosureAt, by, now, c.TrackingNumber)),
        AcknowledgeNotice ack when c.Vendor(ack.OrganisationId) is not { } v => NotOnCase(),
        AcknowledgeNotice ack when c.Vendor(ack.OrganisationId)!.NotifiedAt is null =>
            Conflict("Not notified yet", "There is no notice to acknowledge: the coordinator has not notified this organisation."),
        AcknowledgeNotice ack when c.Vendor(ack.OrganisationId)!.AcknowledgedAt is not null => CoordinationDecision.Of(), // once is enough
        AcknowledgeNotice ack => CoordinationDecision.Of(new VendorAcknowledgedCase(c.Id, ack.OrganisationId, by, now, c.TrackingNumber)),
        RelayMessage relay when c.Vendor(relay.OrganisationId) is null => NotOnCase(),
        RelayMessage relay when c.Message(relay.MessageId) is not null => CoordinationDecision.Of(), // the same message again
        RelayMessage relay when relay.Direction == Contracts.VendorCoordination.VendorMessageRelayed.ToReporter && c.Vendor(relay.OrganisationId)!.NotifiedAt is null =>
            Conflict("Not notified yet", "The vendor can write to the reporter once the coordinator has sent it the notice."),
        RelayMessage relay => CoordinationDecision.Of(new RelayMessageReceived(c.Id, relay.OrganisationId, relay.MessageId, relay.Direction, relay.Text,
            c.HoldMessages, by, now, c.TrackingNumber, c.Vendor(relay.OrganisationId)!.Name)),
        SetRelayReview review when review.Hold == c.HoldMessages => CoordinationDecision.Of(),
        SetRelayReview review => CoordinationDecision.Of(new RelayReviewChanged(c.Id, review.Hold, by, now)),
        ReleaseMessage release when c.Message(release.MessageId) is not { } m => NoSuchMessage(),
        ReleaseMessage release when c.Message(release.MessageId)!.State != RelayStates.Held =>
            Conflict("Not held", $"The message was {c.Message(release.MessageId)!.State} already."),
        ReleaseMessage release => Released(c, c.Message(release.MessageId)!, by, now),
        DeclineMessage decline when c.Message(decline.MessageId) is null => NoSuchMessage(),
        DeclineMessage decline when c.Message(decline.MessageId)!.State != RelayStates.Held =>
            Conflict("Not held", $"The message was {c.Message(decline.MessageId)!.State} already."),
        DeclineMessage decline => CoordinationDecision.Of(new RelayMessageDeclined(c.Id, OwnerOf(c, decline.MessageId).OrganisationId, decline.MessageId,
            decline.Reason, by, now)),
        ShareAttachment share when c.Vendor(share.OrganisationId) is null => NotOnCase(),
        ShareAttachment share when share.Share == c.Vendor(share.OrganisationId)!.Files.Any(f => f.AttachmentId == share.File.AttachmentId) => CoordinationDecision.Of(),
        ShareAttachment share when share.Share => CoordinationDecision.Of(new AttachmentShared(c.Id, share.OrganisationId, share.File.AttachmentId,
            share.File.FileName, share.File.Size, share.File.Sha256, share.File.ContentType, by, now)),
        ShareAttachment share => CoordinationDecision.Of(new AttachmentUnshared(c.Id, share.OrganisationId, share.File.AttachmentId, by, now)),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    /// <summary>The first notice of a case proposes its disclosure date; a notice saying the vulnerability is exploited brings it forward.</summary>
    private static IEnumerable<object> Proposal(CoordinationCase c, NotifyVendor notify, DateTimeOffset now)
    {
        if (c.Disclosure.Agreed) yield break;
        var proposed = now.AddDays(notify.DisclosureAfterDays);
        if (c.Disclosure.DisclosureAt is { } existing && existing <= proposed) yield break;
        yield return new DisclosureDateProposed(c.Id, proposed, notify.ExploitedInTheWild, now, c.TrackingNumber);
    }

    /// <summary>What the clocks call for at <paramref name="now"/>: reminders, then escalations, each once per notice.</summary>
    public static IReadOnlyList<object> Due(CoordinationCase c, DateTimeOffset now)
    {
        var due = new List<object>();
        foreach (var v in c.Vendors.Where(v => v.AcknowledgedAt is null && v.NotifiedAt is not null))
        {
            if (!v.Reminded && v.RemindAt is { } remind && now >= remind) due.Add(new VendorRemindedOfNotice(c.Id, v.OrganisationId, remind, now, c.TrackingNumber));
            if (!v.Escalated && v.EscalateAt is { } escalate && now >= escalate) due.Add(new VendorEscalated(c.Id, v.OrganisationId, v.NotifiedAt!.Value, now, c.TrackingNumber));
        }
        if (c.Disclosure is { Reached: false, DisclosureAt: { } disclosure } && now >= disclosure)
        {
            due.Add(new DisclosureDateReached(c.Id, disclosure, now, c.TrackingNumber));
        }
        return due;
    }

    private static CoordinationDecision Released(CoordinationCase c, RelayedMessage message, Actor by, DateTimeOffset now)
    {
        var vendor = OwnerOf(c, message.Id);
        return CoordinationDecision.Of(new RelayMessageReleased(c.Id, vendor.OrganisationId, message.Id, message.Direction, message.Text, by, now,
            c.TrackingNumber, vendor.Name));
    }

    private static VendorEntry OwnerOf(CoordinationCase c, Guid messageId) => c.Vendors.First(v => v.Messages.Any(m => m.Id == messageId));

    private static CoordinationDecision NoSuchMessage() =>
        CoordinationDecision.Refused(StatusCodes.Status404NotFound, "No such message", "The case has no relayed message with this id.");

    private static CoordinationDecision NotOnCase() =>
        CoordinationDecision.Refused(StatusCodes.Status404NotFound, "Vendor not on the case", "This organisation is not part of the case.");

    private static CoordinationDecision Conflict(string title, string detail) => CoordinationDecision.Refused(StatusCodes.Status409Conflict, title, detail);

    private static CoordinationDecision Invalid(string title, string detail) => CoordinationDecision.Refused(StatusCodes.Status400BadRequest, title, detail);
}
