using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OtpNet;
using VulnPlatform.Identity.Accounts.TwoFactor;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity.Tests;

/// <summary>TOTP as the platform checks it, against RFC 6238's SHA-1 test vectors (6-digit codes: the vectors' last six digits).</summary>
[Trait("Servers", "none")]
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

    private static KeyRing Ring(params (string Id, byte[] Key)[] keys) => new(Options.Create(new EncryptionOptions
    {
        ActiveKeyId = keys[^1].Id, Keys = keys.ToDictionary(k => k.Id, k => Convert.ToBase64String(k.Key)),
    }));

    [Fact]
    public void Recovery_codes_are_ten_distinct_single_strings_matched_by_a_keyed_hash_whatever_the_case_or_dash()
    {
        var codes = new RecoveryCodes(Ring(("k1", RandomNumberGenerator.GetBytes(32))));
        var account = Guid.NewGuid();
        var issued = RecoveryCodes.New();
        Assert.Equal(10, issued.Distinct().Count());
        var hashes = issued.Select(c => codes.Hash(account, c)).ToList();
        Assert.Equal(hashes[3], codes.Match(account, hashes, issued[3].ToUpperInvariant().Replace("-", " ")));
        Assert.Null(codes.Match(account, hashes, "aaaaa-aaaaa"));
        Assert.Null(codes.Match(Guid.NewGuid(), hashes, issued[3])); // bound to the account
    }

    [Fact]
    public void A_dump_of_the_hashes_without_the_key_ring_cannot_be_checked_against_guesses()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var account = Guid.NewGuid();
        var code = RecoveryCodes.New()[0];
        var stored = new RecoveryCodes(Ring(("k1", key))).Hash(account, code);
        // Neither the plain SHA-256 of the code (as stored before) nor the same code under another key gives the stored value.
        var plain = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(code.Replace("-", ""))));
        Assert.DoesNotContain(plain, stored);
        Assert.Null(new RecoveryCodes(Ring(("k1", RandomNumberGenerator.GetBytes(32)))).Match(account, [stored], code));
        // After rotation, with the old key still listed, the code still works; hashes from before keys still match.
        var rotated = new RecoveryCodes(Ring(("k1", key), ("k2", RandomNumberGenerator.GetBytes(32))));
        Assert.Equal(stored, rotated.Match(account, [stored], code));
        Assert.Equal(plain, rotated.Match(account, [plain], code));
    }
}
