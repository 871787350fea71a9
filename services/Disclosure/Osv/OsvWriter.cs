using System.Globalization;
using System.Text.Json.Nodes;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Osv;

/// <summary>
/// An advisory in the OSV format (schema 1.6) when some of its products are packages: each product with
/// a package URL becomes an affected package (ecosystem and name from the purl), with an ECOSYSTEM range
/// from the version named (or 0) to the fixed version; CVE ids are aliases, the CVSS vector a severity.
/// </summary>
public static class OsvWriter
{
    /// <summary>Package URL types and the OSV ecosystem each maps to (the ecosystems whose names are the purl's plainly).</summary>
    private static readonly Dictionary<string, string> Ecosystems = new(StringComparer.Ordinal)
    {
        ["npm"] = "npm", ["pypi"] = "PyPI", ["maven"] = "Maven", ["nuget"] = "NuGet", ["golang"] = "Go", ["cargo"] = "crates.io",
        ["gem"] = "RubyGems", ["composer"] = "Packagist", ["hex"] = "Hex", ["pub"] = "Pub", ["swift"] = "SwiftURL", ["hackage"] = "Hackage",
    };

    public static JsonObject? Write(PublicAdvisory advisory, Uri origin, string idPrefix)
    {
        var content = advisory.Content;
        var affected = new JsonArray();
        foreach (var product in content.Products.Where(p => p.Purl is not null))
        {
            if (Package(product.Purl!) is not { } package) continue;
            var events = new JsonArray();
            var introduced = product.Versions is { Length: > 0 } v && !v.StartsWith('<') && !v.Contains(' ') ? v : "0";
            events.Add(new JsonObject { ["introduced"] = introduced });
            if (product.FixedVersion is { } fixedVersion) events.Add(new JsonObject { ["fixed"] = fixedVersion });
            if (product.Status is ProductStatuses.KnownNotAffected or ProductStatuses.UnderInvestigation) continue;
            affected.Add(new JsonObject
            {
                ["package"] = package,
                ["ranges"] = new JsonArray(new JsonObject { ["type"] = "ECOSYSTEM", ["events"] = events }),
            });
        }
        if (affected.Count == 0) return null;

        var osv = new JsonObject
        {
            ["schema_version"] = "1.6.0",
            ["id"] = idPrefix + advisory.PublicId,
            ["modified"] = Date(advisory.CurrentReleaseDate),
            ["published"] = Date(advisory.VisibleFrom),
            ["summary"] = content.Title,
            ["details"] = content.Summary,
            ["affected"] = affected,
            ["references"] = new JsonArray([new JsonObject { ["type"] = "ADVISORY", ["url"] = new Uri(origin, $"advisories/{advisory.PublicId}").ToString() },
                .. content.References.Select(r => (JsonNode)new JsonObject { ["type"] = "WEB", ["url"] = r })]),
        };
        if (content.CveIds.Count > 0) osv["aliases"] = new JsonArray([.. content.CveIds.Select(c => (JsonNode)c)]);
        if (content.CvssVector is { } vector)
        {
            var type = vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal) ? "CVSS_V4" : "CVSS_V3";
            osv["severity"] = new JsonArray(new JsonObject { ["type"] = type, ["score"] = vector });
        }
        if (content.Credit is { } credit) osv["credits"] = new JsonArray(new JsonObject { ["name"] = credit, ["type"] = "FINDER" });
        if (content.Cwe is { } cwe) osv["database_specific"] = new JsonObject { ["cwe_ids"] = new JsonArray(cwe) };
        return osv;
    }

    /// <summary>The OSV package of a purl (<c>pkg:type/namespace/name@version</c>): ecosystem, name (Maven group:artifact, others namespace/name), purl without version.</summary>
    public static JsonObject? Package(string purl)
    {
        if (!purl.StartsWith("pkg:", StringComparison.Ordinal)) return null;
        var withoutQualifiers = purl[4..].Split('?', '#')[0];
        var at = withoutQualifiers.LastIndexOf('@');
        var path = at > 0 ? withoutQualifiers[..at] : withoutQualifiers;
        var parts = path.Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (parts.Length < 2 || !Ecosystems.TryGetValue(parts[0].ToLowerInvariant(), out var ecosystem)) return null;
        var name = parts[0].Equals("maven", StringComparison.OrdinalIgnoreCase) && parts.Length >= 3
            ? $"{parts[1]}:{parts[2]}"
            : string.Join('/', parts[1..]);
        return new JsonObject { ["ecosystem"] = ecosystem, ["name"] = name, ["purl"] = "pkg:" + path };
    }

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
