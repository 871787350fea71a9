using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Shared.Tests;

/// <summary>Return addresses a page may redirect to: every way of leaving the site is refused, local paths pass.</summary>
[Trait("Servers", "none")]
public sealed class LocalReturnAddressTests
{
    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/ /evil.example")]
    [InlineData("//evil.example")]
    [InlineData("///evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\\/evil.example")]
    [InlineData("/a\\..\\..\\/evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("HTTPS:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData("/\u00a0/evil.example")]
    [InlineData("/\u3000/evil.example")]
    [InlineData("/\u0000/evil.example")]
    [InlineData("/\ud800/evil.example")]
    [InlineData("")]
    [InlineData(null)]
    public void An_address_that_could_leave_the_site_falls_back(string? candidate)
    {
        Assert.Equal("/fallback", LocalReturnAddress.Resolve(candidate, "/fallback"));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/account", "/account")]
    [InlineData("/staff/cases/VR-2026-000001?tab=thread#m3", "/staff/cases/VR-2026-000001?tab=thread#m3")]
    [InlineData("/connect/authorize?client_id=web&redirect_uri=https%3A%2F%2Flocalhost%2Fsignin-oidc&scope=openid%20profile", "/connect/authorize?client_id=web&redirect_uri=https%3A%2F%2Flocalhost%2Fsignin-oidc&scope=openid%20profile")]
    [InlineData("/%2F%2Fevil.example", "/%2F%2Fevil.example")] // an escaped slash is a path segment on this site
    [InlineData("/%09/evil.example", "/%09/evil.example")]
    [InlineData("/报告", "/%E6%8A%A5%E5%91%8A")] // escaped: a Location header carries ASCII only
    public void A_local_path_is_kept_escaped_for_a_location_header(string candidate, string expected)
    {
        var resolved = LocalReturnAddress.Resolve(candidate, "/fallback");
        Assert.Equal(expected, resolved);
        Assert.All(resolved, c => Assert.InRange(c, (char)0x21, (char)0x7e));
    }

    [Fact]
    public void An_address_too_long_for_a_header_falls_back()
    {
        Assert.Equal("/fallback", LocalReturnAddress.Resolve("/" + new string('a', 9000), "/fallback"));
    }
}
