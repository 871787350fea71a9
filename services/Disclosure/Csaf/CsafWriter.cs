using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Csaf;

/// <summary>Section <c>Disclosure:Publisher</c>: who publishes the advisories (CSAF <c>document.publisher</c>).</summary>
public sealed class PublisherOptions
{
    public const string Section = "Disclosure:Publisher";

    public string Name { get; set; } = "VulnPlatform";
    /// <summary>The publisher's namespace: a URL it controls (CSAF requires one).</summary>
    public string Namespace { get; set; } = "https://localhost:8443";
    public string Category { get; set; } = "coordinator";
    public string? ContactDetails { get; set; }
    public string? IssuingAuthority { get; set; }
    /// <summary>
    /// Put before the advisory's id to make its OSV <c>id</c>: the OSV schema admits only registered home
    /// databases' prefixes, and <c>x_</c> for the rest. Empty once the advisory ids' prefix is registered.
    /// </summary>
    public string OsvIdPrefix { get; set; } = "x_";
}

/// <summary>
/// An advisory as a CSAF 2.0 document: <c>csaf_security_advisory</c>, or <c>csaf_vex</c> when no
/// listed product is affected (only statuses, no fix). Product ids are defined once in the product
/// tree (vendor → product → version) and referred to by the product status groups, flags (VEX
/// justifications), remediations and scores; the revision history is the advisory's public revisions.
/// </summary>
public static class CsafWriter
{
    public const string GeneratorName = "VulnPlatform Disclosure";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(PublicAdvisory advisory, PublisherOptions publisher, Uri origin, DateTimeOffset generatedAt)
    {
        var content = advisory.Content;
        var products = ProductIds(content.Products);
        var vex = content.Products.Count > 0 && content.Products.All(p => p.Status is ProductStatuses.KnownNotAffected or ProductStatuses.UnderInvestigation);
        var page = new Uri(origin, $"advisories/{advisory.PublicId}");

        var document = new JsonObject
        {
            ["category"] = vex ? "csaf_vex" : "csaf_security_advisory",
            ["csaf_version"] = "2.0",
            ["lang"] = "en",
            ["title"] = content.Title,
            ["publisher"] = Publisher(publisher),
            ["distribution"] = new JsonObject { ["tlp"] = new JsonObject { ["label"] = "WHITE", ["url"] = "https://www.first.org/tlp/" } },
            ["notes"] = new JsonArray(Note("summary", "Summary", content.Summary)),
            ["references"] = new JsonArray(
                new JsonObject { ["category"] = "self", ["summary"] = "This advisory (HTML)", ["url"] = page.ToString() },
                new JsonObject { ["category"] = "self", ["summary"] = "This advisory (CSAF)", ["url"] = CsafUrl(origin, advisory).ToString() }),
            ["tracking"] = Tracking(advisory, generatedAt),
        };
        foreach (var reference in content.References)
        {
            ((JsonArray)document["references"]!).Add(new JsonObject { ["category"] = "external", ["summary"] = "Reference", ["url"] = reference });
        }
        if (content.Credit is { } credit)
        {
            document["acknowledgments"] = new JsonArray(new JsonObject { ["names"] = new JsonArray(credit), ["summary"] = "for reporting this vulnerability" });
        }

        var csaf = new JsonObject
        {
            ["document"] = document,
            ["product_tree"] = ProductTree(content.Products, products),
            ["vulnerabilities"] = new JsonArray(Vulnerability(advisory.PublicId, content, products, vex)),
        };
        return csaf.ToJsonString(Indented);
    }

    public static Uri CsafUrl(Uri origin, PublicAdvisory advisory) =>
        new(origin, $".well-known/csaf/white/{advisory.Year}/{advisory.PublicId.ToLowerInvariant()}.json");

    private static JsonObject Publisher(PublisherOptions publisher)
    {
        var node = new JsonObject { ["category"] = publisher.Category, ["name"] = publisher.Name, ["namespace"] = publisher.Namespace };
        if (publisher.ContactDetails is { Length: > 0 } contact) node["contact_details"] = contact;
        if (publisher.IssuingAuthority is { Length: > 0 } authority) node["issuing_authority"] = authority;
        return node;
    }

    private static JsonObject Tracking(PublicAdvisory advisory, DateTimeOffset generatedAt)
    {
        var history = new JsonArray();
        foreach (var revision in advisory.Revisions)
        {
            history.Add(new JsonObject { ["number"] = revision.Number, ["date"] = Date(revision.Date), ["summary"] = revision.Summary });
        }
        return new JsonObject
        {
            ["id"] = advisory.PublicId,
            ["status"] = "final",
            ["version"] = advisory.Revisions[^1].Number,
            ["initial_release_date"] = Date(advisory.Revisions[0].Date),
            ["current_release_date"] = Date(advisory.Revisions[^1].Date),
            ["revision_history"] = history,
            ["generator"] = new JsonObject { ["engine"] = new JsonObject { ["name"] = GeneratorName }, ["date"] = Date(generatedAt) },
        };
    }

    /// <summary>One product id per vendor, product and version (the fixed version is a product of its own).</summary>
    private static Dictionary<(string Vendor, string Product, string Version), string> ProductIds(IReadOnlyList<ProductEntry> products)
    {
        var ids = new Dictionary<(string, string, string), string>();
        foreach (var p in products)
        {
            foreach (var version in new[] { VersionOf(p), p.Status == ProductStatuses.Fixed || p.FixedVersion is null ? null : p.FixedVersion }.OfType<string>())
            {
                ids.TryAdd((p.Vendor, p.Product, version), $"CSAFPID-{ids.Count + 1:D4}");
            }
        }
        return ids;
    }

    private static string VersionOf(ProductEntry p) => p.Status == ProductStatuses.Fixed && p.FixedVersion is { } fixedVersion
        ? fixedVersion
        : string.IsNullOrWhiteSpace(p.Versions) ? "all versions" : p.Versions.Trim();

    private static JsonObject ProductTree(IReadOnlyList<ProductEntry> entries, Dictionary<(string Vendor, string Product, string Version), string> ids)
    {
        var vendors = new JsonArray();
        foreach (var vendor in ids.Keys.GroupBy(k => k.Vendor))
        {
            var products = new JsonArray();
            foreach (var product in vendor.GroupBy(k => k.Product))
            {
                var entry = entries.First(e => e.Vendor == vendor.Key && e.Product == product.Key);
                var versions = new JsonArray();
                foreach (var key in product)
                {
                    var full = new JsonObject { ["product_id"] = ids[key], ["name"] = $"{key.Vendor} {key.Product} {key.Version}" };
                    if (Helper(entry, key.Version) is { } helper) full["product_identification_helper"] = helper;
                    // A range (<2.0.1, "all versions") is a product_version_range; a single version a product_version (CSAF test 6.1.31).
                    var category = IsRange(key.Version) ? "product_version_range" : "product_version";
                    versions.Add(new JsonObject { ["category"] = category, ["name"] = RangeName(key.Version), ["product"] = full });
                }
                products.Add(new JsonObject { ["category"] = "product_name", ["name"] = product.Key, ["branches"] = versions });
            }
            vendors.Add(new JsonObject { ["category"] = "vendor", ["name"] = vendor.Key, ["branches"] = products });
        }
        return new JsonObject { ["branches"] = vendors };
    }

    private static bool IsRange(string version) =>
        version == "all versions" || version.IndexOfAny(['<', '>', '=', ' ', '*', '|', ',']) >= 0;

    /// <summary>A range in the vers notation CSAF recommends when it is one; "all versions" as vers:all/*.</summary>
    private static string RangeName(string version) => version switch
    {
        "all versions" => "vers:all/*",
        _ when IsRange(version) && !version.StartsWith("vers:", StringComparison.Ordinal) => "vers:generic/" + version.Replace(" ", "", StringComparison.Ordinal),
        _ => version,
    };

    private static JsonObject? Helper(ProductEntry entry, string version)
    {
        var helper = new JsonObject();
        if (entry.Purl is { Length: > 0 } purl && !IsRange(version)) helper["purl"] = purl.Contains('@') ? purl : $"{purl}@{Uri.EscapeDataString(version)}";
        if (entry.Cpe is { Length: > 0 } cpe) helper["cpe"] = cpe;
        return helper.Count == 0 ? null : helper;
    }

    private static JsonObject Vulnerability(string publicId, AdvisoryContent content, Dictionary<(string Vendor, string Product, string Version), string> ids, bool vex)
    {
        var groups = new Dictionary<string, List<string>>();
        var flags = new Dictionary<string, List<string>>();
        var fixes = new List<(string Details, string Id)>();
        var affected = new List<string>();
        foreach (var p in content.Products)
        {
            var id = ids[(p.Vendor, p.Product, VersionOf(p))];
            Add(groups, p.Status, id);
            if (p.Status == ProductStatuses.KnownNotAffected && p.Justification is { } justification) Add(flags, justification, id);
            if (p.Status == ProductStatuses.KnownAffected)
            {
                affected.Add(id);
                if (p.FixedVersion is { } fixedVersion)
                {
                    Add(groups, ProductStatuses.Fixed, ids[(p.Vendor, p.Product, fixedVersion)]);
                    fixes.Add(($"Update {p.Product} to {fixedVersion} or later.", id));
                }
            }
        }

        var vulnerability = new JsonObject();
        if (content.CveIds.Count > 0) vulnerability["cve"] = content.CveIds[0];
        vulnerability["ids"] = new JsonArray(new JsonObject { ["system_name"] = "VulnPlatform advisory", ["text"] = publicId });
        if (content.Cwe is { } cwe && content.CweName is { } cweName) vulnerability["cwe"] = new JsonObject { ["id"] = cwe, ["name"] = cweName };
        vulnerability["title"] = content.Title;
        vulnerability["notes"] = new JsonArray(Note("description", "Description", content.Summary));
        var status = new JsonObject();
        foreach (var (group, members) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            status[group] = new JsonArray([.. members.Distinct().Select(m => (JsonNode)m)]);
        }
        vulnerability["product_status"] = status;
        if (flags.Count > 0)
        {
            vulnerability["flags"] = new JsonArray([.. flags.Select(f => (JsonNode)new JsonObject
            {
                ["label"] = f.Key, ["product_ids"] = new JsonArray([.. f.Value.Distinct().Select(m => (JsonNode)m)]),
            })]);
        }

        var remediations = new JsonArray();
        foreach (var fix in fixes.GroupBy(f => f.Details))
        {
            remediations.Add(new JsonObject { ["category"] = "vendor_fix", ["details"] = fix.Key, ["product_ids"] = new JsonArray([.. fix.Select(f => (JsonNode)f.Id)]) });
        }
        if (content.Remediation is { Length: > 0 } remediation && affected.Count > 0 && fixes.Count == 0)
        {
            remediations.Add(new JsonObject { ["category"] = "mitigation", ["details"] = remediation, ["product_ids"] = new JsonArray([.. affected.Select(a => (JsonNode)a)]) });
        }
        if (vex)
        {
            // CSAF VEX (6.1.27.9, 6.1.27.10): an impact statement for every not-affected product without a flag; an action statement for the investigated ones.
            var unjustified = content.Products.Where(p => p.Status == ProductStatuses.KnownNotAffected && p.Justification is null)
                .Select(p => ids[(p.Vendor, p.Product, VersionOf(p))]).ToList();
            if (unjustified.Count > 0)
            {
                vulnerability["threats"] = new JsonArray(new JsonObject
                {
                    ["category"] = "impact", ["details"] = "The vendor states that this product is not affected.",
                    ["product_ids"] = new JsonArray([.. unjustified.Select(u => (JsonNode)u)]),
                });
            }
        }
        if (remediations.Count > 0) vulnerability["remediations"] = remediations;

        if (affected.Count > 0 && CvssV3(content) is { } cvss)
        {
            vulnerability["scores"] = new JsonArray(new JsonObject { ["cvss_v3"] = cvss, ["products"] = new JsonArray([.. affected.Select(a => (JsonNode)a)]) });
        }
        return vulnerability;
    }

    /// <summary>CSAF 2.0 carries CVSS v3.x (a v4.0 vector is shown on the page only; CSAF 2.1 adds it).</summary>
    private static JsonObject? CvssV3(AdvisoryContent content)
    {
        if (content.CvssVector is not { } vector || content.BaseScore is not { } score || content.Severity is not { } severity) return null;
        var version = vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) ? "3.1" : vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal) ? "3.0" : null;
        if (version is null) return null;
        return new JsonObject
        {
            ["version"] = version, ["vectorString"] = vector, ["baseScore"] = (double)score,
            ["baseSeverity"] = severity.ToUpperInvariant(),
        };
    }

    private static JsonObject Note(string category, string title, string text) => new() { ["category"] = category, ["title"] = title, ["text"] = text };

    private static void Add(Dictionary<string, List<string>> groups, string key, string id)
    {
        if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
        list.Add(id);
    }

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
