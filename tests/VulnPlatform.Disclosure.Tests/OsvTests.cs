using System.Text.Json;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Osv;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>The OSV documents of advisories about packages, checked field by field and against the official OSV schema.</summary>
[Trait("Servers", "none")]
public sealed class OsvTests
{
    [OsvSchemaFact]
    public void Packages_become_affected_ranges_in_their_ecosystems_with_the_cve_as_alias()
    {
        var content = CsafTests.Affected() with
        {
            Products =
            [
                new ProductEntry("Example", "Updater", "2.0", ProductStatuses.KnownAffected, "2.0.1", Purl: "pkg:npm/%40example/updater"),
                new ProductEntry("Example", "Core", "<1.9.4", ProductStatuses.KnownAffected, "1.9.4", Purl: "pkg:maven/com.example/core@1.9.3"),
                new ProductEntry("Example", "Cli", null, ProductStatuses.KnownNotAffected, Justification: "component_not_present", Purl: "pkg:pypi/example-cli"),
                new ProductEntry("Example", "Appliance", "3.0", ProductStatuses.KnownAffected, "3.0.1"),
            ],
        };
        var record = CsafTests.Records().Build(CsafTests.Advisory(content), new PublicationTime(CsafTests.Instant, "UTC", ""), "Fang Credit", CsafTests.Instant);
        var document = OsvWriter.Write(record, new Uri("https://security.example.com/"), "x_")!;
        OsvSchema.AssertValid(document);
        var osv = JsonDocument.Parse(document.ToJsonString()).RootElement;

        Assert.Equal("1.6.0", osv.GetProperty("schema_version").GetString());
        Assert.Equal("x_VP-2026-0042", osv.GetProperty("id").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", osv.GetProperty("modified").GetString()!);
        Assert.Equal(["CVE-2026-12345"], osv.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!).ToArray());
        var affected = osv.GetProperty("affected").EnumerateArray().ToList();
        Assert.Equal(2, affected.Count); // the not-affected package and the product without a package URL are not in it
        Assert.Equal(("npm", "@example/updater"), (affected[0].GetProperty("package").GetProperty("ecosystem").GetString(), affected[0].GetProperty("package").GetProperty("name").GetString()));
        Assert.Equal(("Maven", "com.example:core"), (affected[1].GetProperty("package").GetProperty("ecosystem").GetString(), affected[1].GetProperty("package").GetProperty("name").GetString()));
        Assert.Equal("pkg:maven/com.example/core", affected[1].GetProperty("package").GetProperty("purl").GetString());
        var events = affected[1].GetProperty("ranges")[0].GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("ECOSYSTEM", affected[1].GetProperty("ranges")[0].GetProperty("type").GetString());
        Assert.Equal("0", events[0].GetProperty("introduced").GetString());
        Assert.Equal("1.9.4", events[1].GetProperty("fixed").GetString());
        Assert.Equal("CVSS_V3", osv.GetProperty("severity")[0].GetProperty("type").GetString());
        Assert.Equal("FINDER", osv.GetProperty("credits")[0].GetProperty("type").GetString());
        Assert.Equal("ADVISORY", osv.GetProperty("references")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void An_advisory_without_packages_has_no_OSV_document()
    {
        var content = CsafTests.Affected() with { Products = [new ProductEntry("Example", "Appliance", "3.0", ProductStatuses.KnownAffected, "3.0.1")] };
        var record = CsafTests.Records().Build(CsafTests.Advisory(content), new PublicationTime(CsafTests.Instant, "UTC", ""), null, CsafTests.Instant);
        Assert.Null(OsvWriter.Write(record, new Uri("https://security.example.com/"), "x_"));
        Assert.Null(OsvWriter.Package("pkg:generic/thing@1.0"));
    }

    [OsvSchemaFact]
    public void Every_ecosystem_and_both_CVSS_versions_give_documents_the_schema_accepts()
    {
        var products = new[] { "pkg:npm/left-pad@1.0", "pkg:pypi/requests", "pkg:nuget/Newtonsoft.Json@13.0.1", "pkg:golang/github.com/example/mod",
            "pkg:cargo/serde", "pkg:gem/rails", "pkg:composer/laravel/framework", "pkg:hex/plug", "pkg:pub/http", "pkg:swift/github.com/apple/swift-nio",
            "pkg:hackage/aeson", "pkg:maven/org.example/lib@2.0" }
            .Select((purl, i) => new ProductEntry("Example", $"P{i}", i % 2 == 0 ? "1.0" : "<2.0", ProductStatuses.KnownAffected, i % 3 == 0 ? null : "2.0", Purl: purl))
            .ToList();
        foreach (var vector in new[] { "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" })
        {
            foreach (var prefix in new[] { "x_", "" })
            {
                var content = CsafTests.Affected() with { Products = products, CvssVector = vector, CveIds = ["CVE-2026-12345", "CVE-2026-12346"] };
                var record = CsafTests.Records().Build(CsafTests.Advisory(content), new PublicationTime(CsafTests.Instant, "UTC", ""), null, CsafTests.Instant);
                var document = OsvWriter.Write(record, new Uri("https://security.example.com/"), prefix)!;
                Assert.Equal(products.Count, document["affected"]!.AsArray().Count);
                if (prefix == "x_") OsvSchema.AssertValid(document);
                else Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OsvSchema.AssertValid(document)); // "VP-" is no registered OSV database
            }
        }
    }
}
