using System.Text.RegularExpressions;
using FluentValidation;
using VulnPlatform.Disclosure.Facts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Disclosure.Advisories;

public sealed record DraftRequest(string? TrackingNumber, Guid? OrganisationId);

public sealed class DraftValidator : AbstractValidator<DraftRequest>
{
    public DraftValidator() => RuleFor(r => r.TrackingNumber).NotEmpty().MaximumLength(32).SingleLineText();
}

/// <summary>An advisory's content as a coordinator edits it (the whole content each time), with what changed.</summary>
public sealed record ReviseRequest(
    string? Title, string? Summary, string? Cwe, string? CweName, string? CvssVector, decimal? BaseScore, string? Severity, string? Remediation,
    IReadOnlyList<ProductEntry>? Products, IReadOnlyList<string>? CveIds, string? Credit, IReadOnlyList<StatementEntry>? Statements,
    IReadOnlyList<string>? References, string? TitleZh, string? SummaryZh, string? RemediationZh, string? ChangeSummary)
{
    public AdvisoryContent ToContent() => new(Title!.Trim(), Summary!.Trim(), Blank(Cwe), Blank(CweName), Blank(CvssVector), BaseScore, Blank(Severity),
        Blank(Remediation), Products ?? [], [.. (CveIds ?? []).Select(c => c.Trim().ToUpperInvariant())], Blank(Credit), Statements ?? [], References ?? [],
        Blank(TitleZh), Blank(SummaryZh), Blank(RemediationZh));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed partial class ReviseValidator : AbstractValidator<ReviseRequest>
{
    [GeneratedRegex(@"^CVE-\d{4}-\d{4,19}$")]
    public static partial Regex CveId();

    [GeneratedRegex(@"^CWE-[1-9]\d{0,5}$")]
    private static partial Regex CweId();

    public ReviseValidator()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(300).SingleLineText();
        RuleFor(r => r.Summary).NotEmpty().MaximumLength(20_000).MultiLineText();
        RuleFor(r => r.TitleZh).MaximumLength(300).SingleLineText();
        RuleFor(r => r.SummaryZh).MaximumLength(20_000).MultiLineText();
        RuleFor(r => r.Remediation).MaximumLength(20_000).MultiLineText();
        RuleFor(r => r.RemediationZh).MaximumLength(20_000).MultiLineText();
        RuleFor(r => r.ChangeSummary).MaximumLength(2_000).MultiLineText();
        RuleFor(r => r.Cwe).Must(c => string.IsNullOrWhiteSpace(c) || CweId().IsMatch(c.Trim())).WithMessage("A CWE id looks like CWE-79.");
        RuleFor(r => r.CweName).MaximumLength(300).SingleLineText();
        RuleFor(r => r.CvssVector).MaximumLength(300).Must(v => string.IsNullOrWhiteSpace(v) || v.StartsWith("CVSS:3.0/", StringComparison.Ordinal)
            || v.StartsWith("CVSS:3.1/", StringComparison.Ordinal) || v.StartsWith("CVSS:4.0/", StringComparison.Ordinal))
            .WithMessage("A CVSS vector starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/.");
        RuleFor(r => r.BaseScore).InclusiveBetween(0m, 10m);
        RuleFor(r => r.Severity).Must(s => s is null or "None" or "Low" or "Medium" or "High" or "Critical").WithMessage("The severity is None, Low, Medium, High or Critical.");
        RuleFor(r => r).Must(r => r.CvssVector is null == (r.BaseScore is null) && r.BaseScore is null == (r.Severity is null))
            .WithName("cvssVector").WithMessage("A CVSS vector comes with its base score and severity (all three or none).");
        RuleFor(r => r.Products).NotNull().Must(p => p is { Count: <= 1000 }).WithMessage("At most 1,000 products.");
        RuleForEach(r => r.Products).ChildRules(product =>
        {
            product.RuleFor(p => p.Vendor).NotEmpty().MaximumLength(200).SingleLineText();
            product.RuleFor(p => p.Product).NotEmpty().MaximumLength(200).SingleLineText();
            product.RuleFor(p => p.Versions).MaximumLength(200).SingleLineText();
            product.RuleFor(p => p.FixedVersion).MaximumLength(100).SingleLineText().Must(v => v is null || !v.Any(char.IsWhiteSpace))
                .WithMessage("A fixed version is one version, without spaces.");
            product.RuleFor(p => p.Status).Must(s => s is not null && ProductStatuses.All.Contains(s))
                .WithMessage($"The status is one of {string.Join(", ", ProductStatuses.All)}.");
            product.RuleFor(p => p.Justification).Must(j => j is null || VexJustifications.All.Contains(j))
                .WithMessage($"The justification is one of {string.Join(", ", VexJustifications.All)}.");
            product.RuleFor(p => p.Purl).MaximumLength(400).Must(p => p is null || p.StartsWith("pkg:", StringComparison.Ordinal) && p.Count(c => c == '/') >= 1 && !p.Any(char.IsWhiteSpace))
                .WithMessage("A package URL looks like pkg:type/namespace/name.");
            product.RuleFor(p => p.Cpe).MaximumLength(400).Must(c => c is null || c.StartsWith("cpe:2.3:", StringComparison.Ordinal) && c.Split(':').Length == 13)
                .WithMessage("A CPE is a whole CPE 2.3 formatted string (13 parts).");
            product.RuleFor(p => p).Must(p => p.Status != ProductStatuses.Fixed || p.FixedVersion is not null).WithName("fixedVersion")
                .WithMessage("A fixed product names its fixed version.");
        });
        RuleFor(r => r.CveIds).Must(c => c is null || c.Count <= 20 && c.Distinct(StringComparer.OrdinalIgnoreCase).Count() == c.Count)
            .WithMessage("At most 20 CVE ids, none twice.");
        RuleForEach(r => r.CveIds).Must(c => c is not null && CveId().IsMatch(c.Trim().ToUpperInvariant())).WithMessage("A CVE id looks like CVE-2026-12345.");
        RuleFor(r => r.Credit).MaximumLength(200).SingleLineText();
        RuleFor(r => r.Statements).Must(s => s is null || s.Count <= 100).WithMessage("At most 100 statements.");
        RuleForEach(r => r.Statements).ChildRules(s =>
        {
            s.RuleFor(x => x.Vendor).NotEmpty().MaximumLength(200).SingleLineText();
            s.RuleFor(x => x.Text).NotEmpty().MaximumLength(20_000).MultiLineText();
        });
        RuleFor(r => r.References).Must(r => r is null || r.Count <= 50).WithMessage("At most 50 references.");
        RuleForEach(r => r.References).Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && u.Length <= 1000)
            .WithMessage("A reference is an https:// address.");
    }
}

public static class VexJustifications
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(
    [
        "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
    ]);
}

/// <summary>The first draft of an advisory, assembled from what the platform knows of the case (pure).</summary>
public static class Drafts
{
    public static AdvisoryContent From(CaseFacts facts, Guid? organisation)
    {
        var products = new List<ProductEntry>();
        if (organisation is null && facts.Product is { } own && facts.Vendors.Count == 0)
        {
            products.Add(facts.FixedVersion is { } fixedVersion
                ? new ProductEntry(own.Vendor, own.Name, own.Version ?? $"<{fixedVersion}", ProductStatuses.KnownAffected, fixedVersion)
                : new ProductEntry(own.Vendor, own.Name, own.Version, ProductStatuses.KnownAffected));
        }
        foreach (var vendor in facts.Vendors.Where(v => organisation is null || v.OrganisationId == organisation))
        {
            var name = facts.ThirdPartyProducts.FirstOrDefault(p => string.Equals(p.Vendor, vendor.Name, StringComparison.OrdinalIgnoreCase))?.Name
                ?? facts.Product?.Name ?? vendor.Name;
            products.Add(ProductOf(vendor, name, facts.Product?.Version));
        }
        var statements = facts.Vendors.Where(v => organisation is null || v.OrganisationId == organisation)
            .SelectMany(v => v.Statements.Select(s => new StatementEntry(v.Name, s.Text))).ToList();
        return new AdvisoryContent(facts.Title, facts.Description, facts.Cwe, null, facts.CvssVector, facts.BaseScore, facts.Severity, facts.Remediation,
            products, [], facts.AllowedCredit, statements, []);
    }

    /// <summary>The draft's fields that are the reporter's own words (the report's title and description), to be read by a coordinator before they go public.</summary>
    public static IReadOnlyList<string> ReporterWords(AdvisoryContent draft, CaseFacts facts) =>
        [.. new[] { ("title", draft.Title == facts.Title), ("summary", draft.Summary == facts.Description) }.Where(f => f.Item2).Select(f => f.Item1)];

    private static ProductEntry ProductOf(VendorFact vendor, string name, string? version) => vendor.Status switch
    {
        "affected" => new ProductEntry(vendor.Name, name, version, ProductStatuses.KnownAffected),
        "fixed" => new ProductEntry(vendor.Name, name, version ?? $"<{vendor.FixedVersion}", ProductStatuses.KnownAffected, vendor.FixedVersion),
        "not-affected" => new ProductEntry(vendor.Name, name, null, ProductStatuses.KnownNotAffected, Justification: vendor.Justification),
        _ => new ProductEntry(vendor.Name, name, version, ProductStatuses.UnderInvestigation),
    };

    /// <summary>
    /// An advisory brought up to date with one vendor's status and statements (an unpublished advisory follows
    /// the vendor): the vendor's products take its status, fixed version and justification — the product's name,
    /// package URL and CPE stay as the coordinator wrote them, and a version range they typed stays unless the
    /// status now needs another — and statements the advisory does not carry yet are added. Null when nothing changes.
    /// </summary>
    public static (AdvisoryContent Content, string Summary)? FollowVendor(AdvisoryContent content, VendorFact vendor)
    {
        if (vendor.Name.Length == 0) return null;
        var products = content.Products.Select(p =>
        {
            if (!string.Equals(p.Vendor, vendor.Name, StringComparison.OrdinalIgnoreCase)) return p;
            var followed = ProductOf(vendor, p.Product, p.Versions is { } versions && !versions.StartsWith('<') ? versions : null);
            return followed with { Vendor = p.Vendor, Purl = p.Purl, Cpe = p.Cpe };
        }).ToList();
        var statements = content.Statements.ToList();
        foreach (var statement in vendor.Statements.Where(s => !content.Statements.Any(c => c.Text == s.Text))) statements.Add(new StatementEntry(vendor.Name, statement.Text));
        var productsChanged = !products.SequenceEqual(content.Products);
        var statementsAdded = statements.Count - content.Statements.Count;
        if (!productsChanged && statementsAdded == 0) return null;
        var what = new List<string>();
        if (productsChanged)
        {
            what.Add(vendor.Status switch
            {
                "fixed" => $"fixed in {vendor.FixedVersion}",
                "not-affected" => "not affected",
                "affected" => "affected",
                _ => "under investigation",
            });
        }
        if (statementsAdded > 0) what.Add(statementsAdded == 1 ? "a new statement" : $"{statementsAdded} new statements");
        return (content with { Products = products, Statements = statements }, $"Follows {vendor.Name}: {string.Join(", ", what)}.");
    }
}
