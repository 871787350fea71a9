using System.Globalization;
using System.Text.Json.Nodes;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Cve;

/// <summary>
/// The CNA container of a CVE JSON 5 record for one CVE id of an advisory: title, description,
/// affected products (vendor, product, versions with affected / unaffected status and the fixed
/// version as <c>lessThan</c>), the CWE, the CVSS v3.1 or v4.0 metric, references and the credit.
/// </summary>
public static class CveRecordWriter
{
    /// <summary>
    /// The whole CVE JSON 5.1 record of a published CVE id, as the CVE Program would serve it: the
    /// record's metadata and the CNA container. CVE Services takes only the container; consumers
    /// that read records from the advisory site get the complete document.
    /// </summary>
    public static JsonObject Record(PublicAdvisory advisory, string cveId, Guid orgId, string? shortName, Uri origin)
    {
        var metadata = new JsonObject { ["cveId"] = cveId, ["assignerOrgId"] = orgId.ToString() };
        if (shortName is { Length: >= 2 and <= 32 }) metadata["assignerShortName"] = shortName;
        metadata["state"] = "PUBLISHED";
        metadata["datePublished"] = Date(advisory.VisibleFrom);
        metadata["dateUpdated"] = Date(advisory.CurrentReleaseDate);
        return new JsonObject
        {
            ["dataType"] = "CVE_RECORD", ["dataVersion"] = "5.1", ["cveMetadata"] = metadata,
            ["containers"] = new JsonObject { ["cna"] = CnaContainer(advisory, orgId, origin) },
        };
    }

    public static JsonObject CnaContainer(PublicAdvisory advisory, Guid orgId, Uri origin)
    {
        var content = advisory.Content;
        var container = new JsonObject
        {
            ["providerMetadata"] = new JsonObject { ["orgId"] = orgId.ToString(), ["dateUpdated"] = Date(advisory.CurrentReleaseDate) },
            ["title"] = Cut(content.Title, 256),
            ["datePublic"] = Date(advisory.VisibleFrom),
            ["descriptions"] = new JsonArray(new JsonObject { ["lang"] = "en", ["value"] = Cut(content.Summary, 4096) }),
            ["affected"] = Affected(content.Products),
            ["references"] = new JsonArray([new JsonObject { ["url"] = new Uri(origin, $"advisories/{advisory.PublicId}").ToString(), ["tags"] = new JsonArray("vendor-advisory") },
                .. content.References.Select(r => (JsonNode)new JsonObject { ["url"] = r })]),
        };
        if (content.Cwe is { } cwe)
        {
            container["problemTypes"] = new JsonArray(new JsonObject
            {
                ["descriptions"] = new JsonArray(new JsonObject { ["lang"] = "en", ["type"] = "CWE", ["cweId"] = cwe, ["description"] = content.CweName ?? cwe }),
            });
        }
        if (content.CvssVector is { } vector && content.BaseScore is { } score && content.Severity is { } severity)
        {
            var key = vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal) ? "cvssV4_0" : vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) ? "cvssV3_1" : "cvssV3_0";
            container["metrics"] = new JsonArray(new JsonObject
            {
                [key] = new JsonObject
                {
                    ["version"] = key[5..].Replace('_', '.'), ["vectorString"] = vector, ["baseScore"] = (double)score, ["baseSeverity"] = severity.ToUpperInvariant(),
                },
            });
        }
        if (content.Credit is { } credit)
        {
            container["credits"] = new JsonArray(new JsonObject { ["lang"] = "en", ["value"] = credit, ["type"] = "finder" });
        }
        return container;
    }

    private static JsonArray Affected(IReadOnlyList<ProductEntry> products)
    {
        var affected = new JsonArray();
        foreach (var product in products.GroupBy(p => (p.Vendor, p.Product)))
        {
            var versions = new JsonArray();
            foreach (var p in product)
            {
                var status = p.Status switch
                {
                    ProductStatuses.KnownAffected => "affected",
                    ProductStatuses.KnownNotAffected or ProductStatuses.Fixed => "unaffected",
                    _ => "unknown",
                };
                var range = p.Versions?.Trim();
                if (p.FixedVersion is { } fixedVersion && p.Status == ProductStatuses.KnownAffected)
                {
                    // Affected from the version named (or from the start) up to the fix.
                    var from = range is null || range.StartsWith('<') ? "0" : range;
                    versions.Add(new JsonObject { ["version"] = from, ["lessThan"] = fixedVersion, ["status"] = "affected", ["versionType"] = "custom" });
                }
                else
                {
                    versions.Add(new JsonObject { ["version"] = range is null or "" ? "0" : range.TrimStart('<', '='), ["status"] = status });
                }
            }
            affected.Add(new JsonObject
            {
                ["vendor"] = product.Key.Vendor, ["product"] = product.Key.Product, ["versions"] = versions,
                ["defaultStatus"] = "unknown",
            });
        }
        if (affected.Count == 0) affected.Add(new JsonObject { ["vendor"] = "n/a", ["product"] = "n/a", ["defaultStatus"] = "unknown" });
        return affected;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
