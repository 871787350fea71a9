using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OtpNet;
using VulnPlatform.Identity.Accounts.TwoFactor;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity.Tests;

/// <summary>TOTP as the platform checks it, against RFC 6238's SHA-1 test vectors (6-digit codes: the vectors' last six digits).</summary>
public sealed class TotpTests
{
    private static readonly Guid Account = Guid.NewGuid();
    private static readonly Authenticators Authenticators = new(new SealedBox(new KeyRing(Options.Create(new EncryptionOptions
    {
        ActiveKeyId = "unit", Keys = new() { ["unit"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
    }))));

    // RFC 6238 appendix B: the seed "12345678901234567890" (ASCII), SHA-1.
    private static readonly string Rfc6238Seed = Base32Encoding.ToString("12345678901234567890"u8.ToArray());

    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    [InlineData(20000000000L, "353130")]
    public void The_rfc_6238_sha1_vectors_are_accepted_at_their_time_and_name_their_step(long unixTime, string code)
    {
        var secret = Authenticators.Seal(Account, Rfc6238Seed);
        var at = DateTimeOffset.FromUnixTimeSeconds(unixTime);

        Assert.Equal(unixTime / 30, Authenticators.Match(secret, Account, code, at));
    }

    [Fact]
    public void One_step_of_drift_either_way_is_accepted_and_two_are_not()
    {
        var secret = Authenticators.Seal(Account, Rfc6238Seed);
        var at = DateTimeOffset.FromUnixTimeSeconds(1111111109);
        const string code = "081804"; // step 37037036

        Assert.Equal(37037036, Authenticators.Match(secret, Account, code, at.AddSeconds(30)));
        Assert.Equal(37037036, Authenticators.Match(secret, Account, code, at.AddSeconds(-30)));
        Assert.Null(Authenticators.Match(secret, Account, code, at.AddSeconds(75)));
        Assert.Null(Authenticators.Match(secret, Account, code, at.AddSeconds(-60)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("28708")]
    [InlineData("2870822")]
    [InlineData("abcdef")]
    [InlineData(null)]
    public void Malformed_codes_match_nothing(string? code) =>
        Assert.Null(Authenticators.Match(Authenticators.Seal(Account, Rfc6238Seed), Account, code, DateTimeOffset.FromUnixTimeSeconds(59)));

    [Fact]
    public void A_secret_sealed_for_one_account_does_not_open_for_another()
    {
        var secret = Authenticators.Seal(Account, Rfc6238Seed);
        Assert.ThrowsAny<CryptographicException>(() => Authenticators.Match(secret, Guid.NewGuid(), "287082", DateTimeOffset.FromUnixTimeSeconds(59)));
    }

    [Fact]
    public void The_provisioning_uri_is_what_authenticator_apps_read()
    {
        Assert.Equal("otpauth://totp/VulnPlatform:ana%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=VulnPlatform&algorithm=SHA1&digits=6&period=30",
            Authenticators.OtpAuthUri("ana@example.org", "JBSWY3DPEHPK3PXP"));
    }

    [Fact]
    public void Recovery_codes_are_ten_distinct_single_strings_matched_by_hash_whatever_the_case_or_dash()
    {
        var codes = RecoveryCodes.New();
        Assert.Equal(10, codes.Distinct().Count());
        var hashes = codes.Select(RecoveryCodes.Hash).ToList();
        Assert.Equal(hashes[3], RecoveryCodes.Match(hashes, codes[3].ToUpperInvariant().Replace("-", " ")));
        Assert.Null(RecoveryCodes.Match(hashes, "aaaaa-aaaaa"));
    }
}
