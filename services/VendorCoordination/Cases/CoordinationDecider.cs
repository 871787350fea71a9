using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.VendorCoordination.Cases;

public abstract record CoordinationCommand;
public sealed record AddVendor(Guid OrganisationId, string OrganisationName) : CoordinationCommand;
public sealed record SetVendorStatus(Guid OrganisationId, string Status, string? Justification, string? FixedVersion) : CoordinationCommand;
public sealed record PostStatement(Guid OrganisationId, string Text) : CoordinationCommand;

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
            set.Status == VendorStatuses.NotAffected ? set.Justification : null, set.Status == VendorStatuses.Fixed ? set.FixedVersion : null, by, now)),
        PostStatement post when c.Vendor(post.OrganisationId) is null => NotOnCase(),
        PostStatement post => CoordinationDecision.Of(new VendorStatementMade(c.Id, post.OrganisationId, post.Text, by, now)),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static CoordinationDecision NotOnCase() =>
        CoordinationDecision.Refused(StatusCodes.Status404NotFound, "Vendor not on the case", "This organisation is not part of the case.");

    private static CoordinationDecision Conflict(string title, string detail) => CoordinationDecision.Refused(StatusCodes.Status409Conflict, title, detail);

    private static CoordinationDecision Invalid(string title, string detail) => CoordinationDecision.Refused(StatusCodes.Status400BadRequest, title, detail);
}
