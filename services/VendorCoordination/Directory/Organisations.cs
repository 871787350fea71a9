using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Contracts;

namespace VulnPlatform.VendorCoordination.Directory;

/// <summary>A product a vendor makes: its name, and optionally a CPE 2.3 or package-URL prefix that matches it.</summary>
public sealed record VendorProduct(string Name, string? Cpe, string? Purl);

/// <summary>What a coordinator records of a vendor organisation (the whole record each time: registered, then updated).</summary>
public sealed record OrganisationDetails(
    string Name, IReadOnlyList<VendorProduct> Products, IReadOnlyList<string> SecurityContacts, string Language, string TimeZone);

public sealed record OrganisationRegistered(Guid OrganisationId, OrganisationDetails Details, Actor By, DateTimeOffset At);

public sealed record OrganisationUpdated(Guid OrganisationId, OrganisationDetails Details, Actor By, DateTimeOffset At);

/// <summary>
/// A vendor organisation as it stands. Its id is the one Identity binds vendor-role accounts to
/// (<c>vendor_org</c> claim). Security contacts are business addresses of the vendor, not personal
/// data of a reporter.
/// </summary>
public sealed class Organisation
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Lower-cased name and product names, for matching a report's vendor and product.</summary>
    public List<string> MatchNames { get; set; } = [];
    public List<VendorProduct> Products { get; set; } = [];
    public List<string> SecurityContacts { get; set; } = [];
    public string Language { get; set; } = "en";
    public string TimeZone { get; set; } = "UTC";
    public DateTimeOffset RegisteredAt { get; set; }
    public long Version { get; set; }
}

public sealed class OrganisationProjection : SingleStreamProjection<Organisation, Guid>
{
    public static Organisation Create(IEvent<OrganisationRegistered> e) =>
        With(new Organisation { Id = e.Data.OrganisationId, RegisteredAt = e.Data.At }, e.Data.Details, e.Version);

    public static Organisation Apply(IEvent<OrganisationUpdated> e, Organisation o) => With(o, e.Data.Details, e.Version);

    private static Organisation With(Organisation o, OrganisationDetails d, long version)
    {
        o.Name = d.Name;
        o.Products = [.. d.Products];
        o.SecurityContacts = [.. d.SecurityContacts];
        o.Language = d.Language;
        o.TimeZone = d.TimeZone;
        o.MatchNames = [.. new[] { d.Name }.Concat(d.Products.Select(p => p.Name)).Select(n => n.Trim().ToLowerInvariant()).Distinct()];
        o.Version = version;
        return o;
    }
}
