using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Csaf;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>
/// The CSAF documents the platform publishes, checked by BSI's CSAF validator (the strict OASIS CSAF
/// 2.0 schema with the FIRST CVSS schemas, and every mandatory test of section 6.1) — the tool CSAF
/// aggregators and trusted providers check with.
/// </summary>
[Trait("Servers", "none")]
public sealed class CsafTests
{
    public static readonly DateTimeOffset Instant = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    internal static PublicRecords Records() => new(Options.Create(new PublisherOptions
    {
        Name = "Example Security Team", Namespace = "https://security.example.com", ContactDetails = "security@example.com",
        IssuingAuthority = "The product security team of Example.",
    }), new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PublicOrigin"] = "https://security.example.com" }).Build());

    internal static Advisory Advisory(AdvisoryContent content, params AdvisoryRevision[] later) => new()
    {
        Id = Guid.CreateVersion7(), PublicId = "VP-2026-0042", SetId = Guid.CreateVersion7(), TrackingNumber = "VR-2026-000042", Content = content,
        DraftedAt = Instant.AddDays(-10), UpdatedAt = Instant.AddDays(-1),
        Revisions = [new AdvisoryRevision(1, "Drafted from the case.", Instant.AddDays(-10), null), .. later],
    };

    internal static AdvisoryContent Affected(string? credit = "Fang Credit") => new(
        "Path traversal in Updater", "The updater writes archive entries outside its directory.\n\nAn attacker who serves an update can write any file.",
        "CWE-22", "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8m, "Critical", "Update to 2.0.1.",
        [
            new ProductEntry("Example", "Updater", "2.0", ProductStatuses.KnownAffected, "2.0.1", Purl: "pkg:npm/example-updater"),
            new ProductEntry("Example", "Updater", "<1.9.4", ProductStatuses.KnownAffected, "1.9.4"),
            new ProductEntry("Other Maker", "Widget", null, ProductStatuses.KnownNotAffected, Justification: "vulnerable_code_not_present"),
            new ProductEntry("Third Maker", "Gadget", "3.1", ProductStatuses.UnderInvestigation),
        ],
        ["CVE-2026-12345"], credit, [new StatementEntry("Example", "Fixed in 2.0.1 and 1.9.4.")], ["https://example.com/blog/updater-fix"]);

    [Fact]
    public async Task A_security_advisory_with_affected_fixed_not_affected_and_investigated_products_is_valid_CSAF()
    {
        var record = Records().Build(Advisory(Affected()), new PublicationTime(Instant, "Europe/Berlin", "2026-12-01T09:00+01:00"), "Fang Credit", Instant);
        await AssertValidAsync(record.Csaf);
        using var document = JsonDocument.Parse(record.Csaf);
        var root = document.RootElement;
        Assert.Equal("csaf_security_advisory", root.GetProperty("document").GetProperty("category").GetString());
        Assert.Equal("VP-2026-0042", root.GetProperty("document").GetProperty("tracking").GetProperty("id").GetString());
        Assert.Equal("2026-12-01T08:00:00.000Z", root.GetProperty("document").GetProperty("tracking").GetProperty("initial_release_date").GetString());
        Assert.Equal("Fang Credit", root.GetProperty("document").GetProperty("acknowledgments")[0].GetProperty("names")[0].GetString());
        var vulnerability = root.GetProperty("vulnerabilities")[0];
        Assert.Equal("CVE-2026-12345", vulnerability.GetProperty("cve").GetString());
        Assert.Equal(9.8, vulnerability.GetProperty("scores")[0].GetProperty("cvss_v3").GetProperty("baseScore").GetDouble());
        Assert.Equal(2, vulnerability.GetProperty("product_status").GetProperty("known_affected").GetArrayLength());
        Assert.Equal(2, vulnerability.GetProperty("product_status").GetProperty("fixed").GetArrayLength());
        Assert.Equal("vulnerable_code_not_present", vulnerability.GetProperty("flags")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_revised_advisory_lists_its_public_revisions_in_order_and_a_credit_without_consent_is_left_out()
    {
        var revised = Advisory(Affected(), new AdvisoryRevision(2, "A typo.", Instant.AddDays(-2), null),
            new AdvisoryRevision(3, "Added the fixed version for the 1.9 line.", Instant.AddDays(3), null));
        var record = Records().Build(revised, new PublicationTime(Instant, "UTC", "2026-12-01T08:00+00:00"), allowedCredit: null, Instant.AddDays(3));
        await AssertValidAsync(record.Csaf);
        using var document = JsonDocument.Parse(record.Csaf);
        var tracking = document.RootElement.GetProperty("document").GetProperty("tracking");
        Assert.Equal("2", tracking.GetProperty("version").GetString());
        Assert.Equal(["Initial public release.", "Added the fixed version for the 1.9 line."],
            tracking.GetProperty("revision_history").EnumerateArray().Select(r => r.GetProperty("summary").GetString()!).ToArray());
        Assert.False(document.RootElement.GetProperty("document").TryGetProperty("acknowledgments", out _));
        Assert.DoesNotContain("Fang Credit", record.Csaf);
    }

    [Fact]
    public async Task A_statement_that_nothing_is_affected_is_a_valid_CSAF_VEX_document()
    {
        var content = Affected(credit: null) with
        {
            CvssVector = null, BaseScore = null, Severity = null, Remediation = null, CveIds = [],
            Products = [new ProductEntry("Other Maker", "Widget", "4.0", ProductStatuses.KnownNotAffected, Justification: "component_not_present"),
                new ProductEntry("Other Maker", "Widget Lite", "1.0", ProductStatuses.KnownNotAffected)],
        };
        var record = Records().Build(Advisory(content), new PublicationTime(Instant, "UTC", ""), null, Instant);
        await AssertValidAsync(record.Csaf);
        Assert.Contains("\"csaf_vex\"", record.Csaf);
    }

    [Fact]
    public async Task An_advisory_with_two_hundred_products_is_valid_CSAF()
    {
        var products = Enumerable.Range(1, 200).Select(i => new ProductEntry($"Vendor {i % 7}", $"Product {i}", $"{i}.0",
            i % 3 == 0 ? ProductStatuses.KnownNotAffected : ProductStatuses.KnownAffected, i % 3 == 0 ? null : $"{i}.0.1",
            i % 3 == 0 ? "vulnerable_code_not_in_execute_path" : null, Purl: $"pkg:maven/com.example/product-{i}")).ToList();
        var record = Records().Build(Advisory(Affected() with { Products = products }), new PublicationTime(Instant, "UTC", ""), "Fang Credit", Instant);
        await AssertValidAsync(record.Csaf);
    }

    /// <summary>Runs the validator on the document; fails with every finding.</summary>
    internal static async Task AssertValidAsync(string csaf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"csaf-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, csaf);
        try
        {
            using var result = JsonDocument.Parse(await CsafValidator.Shared.ValidateAsync(file));
            Assert.Equal(Path.GetFileName(file), result.RootElement.GetProperty("file").GetString());
            Assert.True(result.RootElement.GetProperty("tests").GetInt32() > 30, "the validator ran fewer tests than the mandatory ones");
            Assert.True(result.RootElement.GetProperty("isValid").GetBoolean(), $"CSAF findings: {result.RootElement.GetProperty("failures")}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// One BSI validator process for the whole test run, asked one document at a time (loading its
/// schemas takes about ten seconds; a process per document made the CSAF tests take a minute).
/// </summary>
internal sealed class CsafValidator
{
    public static CsafValidator Shared { get; } = new();

    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly System.Text.StringBuilder _errors = new();
    private Process? _node;

    public async Task<string> ValidateAsync(string file)
    {
        await _one.WaitAsync();
        try
        {
            var node = _node is { HasExited: false } running ? running : _node = Start();
            await node.StandardInput.WriteLineAsync(file);
            await node.StandardInput.FlushAsync();
            var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(line is not null, $"the validator ended: {_errors}");
            return line;
        }
        finally
        {
            _one.Release();
        }
    }

    private Process Start()
    {
        var validator = Environment.GetEnvironmentVariable("VP_CSAF_VALIDATOR")
            ?? throw new InvalidOperationException("VP_CSAF_VALIDATOR is not set: run the tests with `make test` or `make check`, which install BSI's CSAF validator.");
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "tools", "validate-csaf.mjs"), validator }) start.ArgumentList.Add(argument);
        var node = Process.Start(start)!;
        node.ErrorDataReceived += (_, e) => { lock (_errors) _errors.AppendLine(e.Data); };
        node.BeginErrorReadLine();
        // The process ends with the test run: its input closes when the test host exits.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { node.Kill(); } catch (InvalidOperationException) { } };
        return node;
    }
}
