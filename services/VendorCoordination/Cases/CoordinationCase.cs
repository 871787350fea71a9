using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Contracts;

namespace VulnPlatform.VendorCoordination.Cases;

public static class VendorStatuses
{
    public const string Unknown = "unknown";
    public const string UnderInvestigation = "under-investigation";
    public const string Affected = "affected";
    public const string NotAffected = "not-affected";
    public const string Fixed = "fixed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Unknown, UnderInvestigation, Affected, NotAffected, Fixed]);

    /// <summary>CISA's VEX status justifications for not-affected (as CSAF's product status flags name them).</summary>
    public static readonly IReadOnlySet<string> Justifications = new HashSet<string>(
    [
        "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
    ]);
}

public sealed record CoordinationOpened(Guid CaseId, Guid ReportId, string? TrackingNumber, Actor By, DateTimeOffset At);

/// <summary>Triage named a third-party product; <see cref="Suggested"/> are the directory's organisations that match it.</summary>
public sealed record ThirdPartyProductNamed(Guid CaseId, string Vendor, string Product, IReadOnlyList<Guid> Suggested, DateTimeOffset At);

public sealed record VendorAdded(Guid CaseId, Guid OrganisationId, string OrganisationName, Actor By, DateTimeOffset At);

public sealed record VendorStatusSet(Guid CaseId, Guid OrganisationId, string Status, string? Justification, string? FixedVersion, Actor By, DateTimeOffset At);

public sealed record VendorStatementMade(Guid CaseId, Guid OrganisationId, string Text, Actor By, DateTimeOffset At);

public static class CoordinationEventTypes
{
    public static readonly Type[] All =
        [typeof(CoordinationOpened), typeof(ThirdPartyProductNamed), typeof(VendorAdded), typeof(VendorStatusSet), typeof(VendorStatementMade)];
}

public sealed record NamedProduct(string Vendor, string Product, IReadOnlyList<Guid> Suggested);

public sealed record Statement(string Text, string? ById, string ByKind, DateTimeOffset At);

/// <summary>One vendor's part in a case: what the disclosure needs for its affected / not-affected / fixed lists.</summary>
public sealed class VendorEntry
{
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }
    public DateTimeOffset? NotifiedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string Status { get; set; } = VendorStatuses.Unknown;
    public string? Justification { get; set; }
    public string? FixedVersion { get; set; }
    public DateTimeOffset? StatusAt { get; set; }
    public List<Statement> Statements { get; set; } = [];
}

public sealed record CoordinationStep(DateTimeOffset At, string Event, Guid? OrganisationId, string? ById);

/// <summary>A coordination case as it stands (inline with its events): the products Triage named and every vendor's part.</summary>
public sealed class CoordinationCase
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public string? TrackingNumber { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public List<NamedProduct> Products { get; set; } = [];
    public List<VendorEntry> Vendors { get; set; } = [];
    /// <summary>The organisations on the case (what a vendor's own view filters on).</summary>
    public List<Guid> OrganisationIds { get; set; } = [];
    public List<CoordinationStep> History { get; set; } = [];
    public long Version { get; set; }

    public VendorEntry? Vendor(Guid organisationId) => Vendors.FirstOrDefault(v => v.OrganisationId == organisationId);
}

public sealed class CoordinationCaseProjection : SingleStreamProjection<CoordinationCase, Guid>
{
    public static CoordinationCase Create(IEvent<CoordinationOpened> e) => new()
    {
        Id = e.Data.CaseId, ReportId = e.Data.ReportId, TrackingNumber = e.Data.TrackingNumber, OpenedAt = e.Data.At, Version = e.Version,
        History = [new CoordinationStep(e.Data.At, "opened", null, e.Data.By.Id)],
    };

    public static void Apply(IEvent<ThirdPartyProductNamed> e, CoordinationCase c) =>
        Step(c, e, e.Data.At, "product-named", null, null, () => c.Products.Add(new NamedProduct(e.Data.Vendor, e.Data.Product, e.Data.Suggested)));

    public static void Apply(IEvent<VendorAdded> e, CoordinationCase c) => Step(c, e, e.Data.At, "vendor-added", e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        c.Vendors.Add(new VendorEntry { OrganisationId = e.Data.OrganisationId, Name = e.Data.OrganisationName, AddedAt = e.Data.At });
        c.OrganisationIds.Add(e.Data.OrganisationId);
    });

    public static void Apply(IEvent<VendorStatusSet> e, CoordinationCase c) => Step(c, e, e.Data.At, "status-" + e.Data.Status, e.Data.OrganisationId, e.Data.By.Id, () =>
    {
        var vendor = c.Vendor(e.Data.OrganisationId)!;
        vendor.Status = e.Data.Status;
        vendor.Justification = e.Data.Justification;
        vendor.FixedVersion = e.Data.FixedVersion;
        vendor.StatusAt = e.Data.At;
    });

    public static void Apply(IEvent<VendorStatementMade> e, CoordinationCase c) => Step(c, e, e.Data.At, "statement", e.Data.OrganisationId, e.Data.By.Id,
        () => c.Vendor(e.Data.OrganisationId)!.Statements.Add(new Statement(e.Data.Text, e.Data.By.Id, e.Data.By.Kind, e.Data.At)));

    private static void Step(CoordinationCase c, IEvent e, DateTimeOffset at, string name, Guid? organisation, string? by, Action change)
    {
        change();
        c.History.Add(new CoordinationStep(at, name, organisation, by));
        c.Version = e.Version;
    }
}
