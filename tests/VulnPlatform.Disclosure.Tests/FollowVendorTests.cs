using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Facts;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>An unpublished advisory following a vendor's status and statements (pure): given the advisory / when the vendor's facts change / then its new content.</summary>
[Trait("Servers", "none")]
public sealed class FollowVendorTests
{
    private static readonly AdvisoryContent Drafted = new("Path traversal in Updater", "The updater writes outside its directory.", "CWE-22", null, null, null, null, null,
        [
            new ProductEntry("Maker", "Updater", "3.0", ProductStatuses.KnownAffected, "3.0.1", Purl: "pkg:generic/maker/updater"),
            new ProductEntry("Other Corp", "Bundler", "1.2", ProductStatuses.UnderInvestigation),
        ],
        [], null, [new StatementEntry("Maker", "Fixed in 3.0.1.")], []);

    private static VendorFact Maker(string status, string? fixedVersion = null, string? justification = null, params string[] statements) => new()
    {
        OrganisationId = Guid.NewGuid(), Name = "Maker", Status = status, FixedVersion = fixedVersion, Justification = justification,
        Statements = [.. statements.Select(s => new StatementFact(s, DateTimeOffset.UnixEpoch))],
    };

    [Fact]
    public void Nothing_new_from_the_vendor_changes_nothing() =>
        Assert.Null(Drafts.FollowVendor(Drafted, Maker("fixed", "3.0.1", null, "Fixed in 3.0.1.")));

    [Fact]
    public void Not_affected_takes_the_justification_keeps_the_package_url_and_leaves_other_vendors_alone()
    {
        var (content, summary) = Drafts.FollowVendor(Drafted, Maker("not-affected", null, "component_not_present"))!.Value;
        var maker = content.Products[0];
        Assert.Equal((ProductStatuses.KnownNotAffected, "component_not_present", null, "pkg:generic/maker/updater", "Updater"),
            (maker.Status, maker.Justification, maker.FixedVersion, maker.Purl, maker.Product));
        Assert.Equal(Drafted.Products[1], content.Products[1]);
        Assert.Equal("Follows Maker: not affected.", summary);
    }

    [Fact]
    public void A_new_fixed_version_and_statements_are_taken_once()
    {
        var vendor = Maker("fixed", "3.0.2", null, "Fixed in 3.0.1.", "3.0.1 was incomplete.", "Upgrade now.");
        var (content, summary) = Drafts.FollowVendor(Drafted, vendor)!.Value;
        Assert.Equal(("3.0", "3.0.2"), (content.Products[0].Versions, content.Products[0].FixedVersion));
        Assert.Equal(["Fixed in 3.0.1.", "3.0.1 was incomplete.", "Upgrade now."], content.Statements.Select(s => s.Text));
        Assert.Equal("Follows Maker: fixed in 3.0.2, 2 new statements.", summary);
        Assert.Null(Drafts.FollowVendor(content, vendor));
    }
}
