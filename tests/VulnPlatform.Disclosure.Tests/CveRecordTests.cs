using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Cve;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>The CVE JSON 5 records of published advisories, checked by the CVE Program's own schemas.</summary>
[Trait("Servers", "none")]
public sealed class CveRecordTests
{
    private static readonly Guid OrgId = Guid.Parse("6dda929c-bb53-4a77-a76d-48e79601a1ce");
    private static readonly Uri Origin = new("https://security.example.com/");

    [Fact]
    public void An_advisory_with_affected_fixed_not_affected_and_investigated_products_gives_a_valid_record_and_CNA_container()
    {
        var record = CsafTests.Records().Build(CsafTests.Advisory(CsafTests.Affected()), new PublicationTime(CsafTests.Instant, "UTC", ""), "Fang Credit", CsafTests.Instant);

        var cve = CveRecordWriter.Record(record, "CVE-2026-12345", OrgId, "example", Origin);
        CveSchema.AssertValidRecord(cve);
        CveSchema.AssertValidCnaContainer(CveRecordWriter.CnaContainer(record, OrgId, Origin));
        Assert.Equal("CVE-2026-12345", cve["cveMetadata"]!["cveId"]!.GetValue<string>());
        var cna = cve["containers"]!["cna"]!;
        Assert.Equal("Fang Credit", cna["credits"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("CWE-22", cna["problemTypes"]![0]!["descriptions"]![0]!["cweId"]!.GetValue<string>());
        var updater = cna["affected"]!.AsArray().Single(a => a!["product"]!.GetValue<string>() == "Updater")!;
        Assert.Equal(["2.0.1", "1.9.4"], updater["versions"]!.AsArray().Select(v => v!["lessThan"]!.GetValue<string>()).ToArray());
        Assert.Equal("unaffected", cna["affected"]!.AsArray().Single(a => a!["product"]!.GetValue<string>() == "Widget")!["versions"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_CVSS_4_advisory_without_products_CWE_or_credit_still_gives_a_valid_record()
    {
        var content = CsafTests.Affected(credit: null) with
        {
            Cwe = null, CweName = null, Products = [], References = [],
            CvssVector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", BaseScore = 9.3m, Severity = "Critical",
        };
        var record = CsafTests.Records().Build(CsafTests.Advisory(content), new PublicationTime(CsafTests.Instant, "UTC", ""), null, CsafTests.Instant);

        var cve = CveRecordWriter.Record(record, "CVE-2026-1000", OrgId, shortName: null, Origin);
        CveSchema.AssertValidRecord(cve);
        CveSchema.AssertValidCnaContainer(cve["containers"]!["cna"]!.DeepClone());
        Assert.Equal("CRITICAL", cve["containers"]!["cna"]!["metrics"]![0]!["cvssV4_0"]!["baseSeverity"]!.GetValue<string>());
        Assert.Null(cve["containers"]!["cna"]!["credits"]);
    }

    [Fact]
    public void The_schema_check_refuses_a_record_that_breaks_it()
    {
        var record = CsafTests.Records().Build(CsafTests.Advisory(CsafTests.Affected()), new PublicationTime(CsafTests.Instant, "UTC", ""), null, CsafTests.Instant);
        var cve = CveRecordWriter.Record(record, "CVE-26-1", OrgId, "example", Origin); // not a CVE id
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => CveSchema.AssertValidRecord(cve));
    }
}
