using JasperFx.Events;
using Marten.Events.Aggregation;
using VulnPlatform.Contracts;

namespace VulnPlatform.Disclosure.Advisories;

/// <summary>
/// A product's status in an advisory, as CSAF's product status groups name it: <c>known_affected</c>,
/// <c>known_not_affected</c> (with a VEX <see cref="Justification"/>), <c>fixed</c> or
/// <c>under_investigation</c>. <see cref="Versions"/> is the version (or range, e.g. <c>&lt;2.0.1</c>)
/// the status is about; <see cref="FixedVersion"/> the version that fixes it.
/// </summary>
public sealed record ProductEntry(
    string Vendor, string Product, string? Versions, string Status, string? FixedVersion = null, string? Justification = null, string? Purl = null, string? Cpe = null);

public sealed record StatementEntry(string Vendor, string Text);

public static class ProductStatuses
{
    public const string KnownAffected = "known_affected";
    public const string KnownNotAffected = "known_not_affected";
    public const string Fixed = "fixed";
    public const string UnderInvestigation = "under_investigation";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([KnownAffected, KnownNotAffected, Fixed, UnderInvestigation]);
}

/// <summary>What an advisory says (one version of it). Chinese texts are optional; the pages fall back to English.</summary>
public sealed record AdvisoryContent(
    string Title,
    string Summary,
    string? Cwe,
    string? CweName,
    string? CvssVector,
    decimal? BaseScore,
    string? Severity,
    string? Remediation,
    IReadOnlyList<ProductEntry> Products,
    IReadOnlyList<string> CveIds,
    string? Credit,
    IReadOnlyList<StatementEntry> Statements,
    IReadOnlyList<string> References,
    string? TitleZh = null,
    string? SummaryZh = null,
    string? RemediationZh = null);

/// <summary>An advisory drafted from its case; <see cref="ReporterWords"/> names its fields still in the reporter's own words.</summary>
public sealed record AdvisoryDrafted(
    Guid AdvisoryId, string PublicId, Guid SetId, string TrackingNumber, Guid? OrganisationId, AdvisoryContent Content, Actor By, DateTimeOffset At,
    IReadOnlyList<string>? ReporterWords = null);

/// <summary>
/// A new version of the advisory; after publication it is a public revision and <see cref="ChangeSummary"/> says what changed.
/// <see cref="Reviewed"/>: a coordinator wrote it (read and saved every field), so no field is the reporter's raw text any more;
/// revisions the platform makes (a vendor's status followed, a CVE id recorded) are not.
/// </summary>
public sealed record AdvisoryRevised(
    Guid AdvisoryId, AdvisoryContent Content, string ChangeSummary, Actor By, DateTimeOffset At, string? PublicId = null, Guid? SetId = null, bool IsPublic = false,
    bool Reviewed = false);

public sealed record AdvisoryRevision(int Version, string ChangeSummary, DateTimeOffset At, string? ById);

/// <summary>An advisory as it stands, with every version's change summary (inline with its events).</summary>
public sealed class Advisory
{
    public Guid Id { get; set; }
    /// <summary>The public identifier (<c>VP-2026-0001</c>): the CSAF tracking id and the page's address.</summary>
    public string PublicId { get; set; } = "";
    /// <summary>The set it is published with: the case's id (every advisory of a case appears at the same instant).</summary>
    public Guid SetId { get; set; }
    public string TrackingNumber { get; set; } = "";
    /// <summary>For a vendor's linked advisory, the vendor organisation it is about.</summary>
    public Guid? OrganisationId { get; set; }
    public AdvisoryContent Content { get; set; } = null!;
    public DateTimeOffset DraftedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<AdvisoryRevision> Revisions { get; set; } = [];
    public long Version { get; set; }
    /// <summary>
    /// Fields still holding the reporter's own words as the draft copied them (<c>title</c>, <c>summary</c>): the
    /// set is not scheduled, nor published, until a coordinator has read and saved them.
    /// </summary>
    public List<string> Unreviewed { get; set; } = [];
}

public sealed class AdvisoryProjection : SingleStreamProjection<Advisory, Guid>
{
    public static Advisory Create(IEvent<AdvisoryDrafted> e) => new()
    {
        Id = e.Data.AdvisoryId, PublicId = e.Data.PublicId, SetId = e.Data.SetId, TrackingNumber = e.Data.TrackingNumber,
        OrganisationId = e.Data.OrganisationId, Content = e.Data.Content, DraftedAt = e.Data.At, UpdatedAt = e.Data.At, Version = e.Version,
        Revisions = [new AdvisoryRevision((int)e.Version, "Drafted from the case.", e.Data.At, e.Data.By.Id)],
        Unreviewed = [.. e.Data.ReporterWords ?? []],
    };

    public static void Apply(IEvent<AdvisoryRevised> e, Advisory a)
    {
        a.Content = e.Data.Content;
        a.UpdatedAt = e.Data.At;
        a.Version = e.Version;
        a.Revisions.Add(new AdvisoryRevision((int)e.Version, e.Data.ChangeSummary, e.Data.At, e.Data.By.Id));
        if (e.Data.Reviewed) a.Unreviewed.Clear();
    }
}
