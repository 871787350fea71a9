using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.VendorCoordination.Cases;

public abstract record CoordinationCommand;
public sealed record AddVendor(Guid OrganisationId, string OrganisationName) : CoordinationCommand;
public sealed record SetVendorStatus(Guid OrganisationId, string Status, string? Justification, string? FixedVersion) : CoordinationCommand;
public sealed record PostStatement(Guid OrganisationId, string Text) : CoordinationCommand;
/// <summary>Send the vendor its notice; the first notice proposes a disclosure date <see cref="DisclosureAfterDays"/> on.</summary>
public sealed record NotifyVendor(Guid OrganisationId, string Summary, bool ExploitedInTheWild = false, int DisclosureAfterDays = 90) : CoordinationCommand;
public sealed record RequestDisclosureDate(Guid OrganisationId, DateTimeOffset DisclosureAt, string Reason) : CoordinationCommand;
public sealed record AgreeDisclosureDate(DateTimeOffset DisclosureAt) : CoordinationCommand;
public sealed record AcknowledgeNotice(Guid OrganisationId) : CoordinationCommand;

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

    private static CoordinationDecision NotOnCase() =>
        CoordinationDecision.Refused(StatusCodes.Status404NotFound, "Vendor not on the case", "This organisation is not part of the case.");

    private static CoordinationDecision Conflict(string title, string detail) => CoordinationDecision.Refused(StatusCodes.Status409Conflict, title, detail);

    private static CoordinationDecision Invalid(string title, string detail) => CoordinationDecision.Refused(StatusCodes.Status400BadRequest, title, detail);
}
