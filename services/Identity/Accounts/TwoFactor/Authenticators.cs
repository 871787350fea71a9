using System.Security.Cryptography;
using System.Text;
using OtpNet;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity.Accounts.TwoFactor;

/// <summary>
/// TOTP as authenticator apps (Google Authenticator and the like) compute it: RFC 6238, SHA-1,
/// 6 digits, 30-second steps, one step of drift either way (Otp.NET). Secrets are sealed with the
/// platform's key ring, bound to the account id.
/// </summary>
public sealed class Authenticators(SealedBox box)
{
    public const string Issuer = "VulnPlatform";
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    /// <summary>A new 160-bit secret, sealed, and its base32 text for the enrolment page.</summary>
    public (SealedValue Sealed, string Base32) NewSecret(Guid accountId)
    {
        var secret = KeyGeneration.GenerateRandomKey(20);
        return (box.Seal(secret, Binding(accountId)), Base32Encoding.ToString(secret));
    }

    /// <summary>Seals a secret the person's app already holds (the first admin's, from configuration).</summary>
    public SealedValue Seal(Guid accountId, string base32) => box.Seal(Base32Encoding.ToBytes(base32), Binding(accountId));

    public string Base32(SealedValue sealedSecret, Guid accountId) => Base32Encoding.ToString(box.Open(sealedSecret, Binding(accountId)));

    /// <summary>The provisioning URI authenticator apps read from the QR code.</summary>
    public static string OtpAuthUri(string email, string base32) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={base32}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The time step <paramref name="code"/> matches at <paramref name="now"/>, or null.</summary>
    public long? Match(SealedValue sealedSecret, Guid accountId, string? code, DateTimeOffset now)
    {
        var digits = Normalise(code);
        if (digits is not { Length: 6 }) return null;
        var totp = new Totp(box.Open(sealedSecret, Binding(accountId)), step: 30, mode: OtpHashMode.Sha1, totpSize: 6);
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, Drift) ? step : null;
    }

    private static string? Normalise(string? code) => code?.Replace(" ", "").Replace("-", "").Trim();

    private static byte[] Binding(Guid accountId) => Encoding.UTF8.GetBytes($"identity/totp/{accountId:N}");
}

/// <summary>
/// Ten single-use codes for when the authenticator is lost; only keyed hashes are kept: HMAC-SHA-256
/// under a subkey of the key ring's key (named in the stored value, so a rotated key still verifies),
/// bound to the account. A dump of the accounts without the key ring gives nothing to brute-force
/// offline (a code has ~49 bits). Hashes from before (plain SHA-256, no key id) still match until the
/// codes are used or replaced.
/// </summary>
public sealed class RecoveryCodes(KeyRing keys)
{
    public const int Count = 10;
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("identity/recovery-codes");

    public static IReadOnlyList<string> New() => Enumerable.Range(0, Count).Select(_ => NewCode()).ToList();

    public string Hash(Guid accountId, string code) => $"{keys.ActiveKeyId}:{Keyed(keys.ActiveKey, accountId, code)}";

    /// <summary>The stored hash <paramref name="code"/> matches, or null.</summary>
    public string? Match(Guid accountId, IReadOnlyList<string> hashes, string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        foreach (var stored in hashes)
        {
            var colon = stored.LastIndexOf(':');
            string expected;
            if (colon < 0) expected = Legacy(code);
            else if (keys.KeyIds.Contains(stored[..colon])) expected = $"{stored[..colon]}:{Keyed(keys.Key(stored[..colon]), accountId, code)}";
            else continue;
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(expected))) return stored;
        }
        return null;
    }

    private static string Keyed(byte[] key, Guid accountId, string code)
    {
        var subkey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Purpose);
        return Convert.ToHexString(HMACSHA256.HashData(subkey, Encoding.UTF8.GetBytes($"{accountId:N}/{Normalise(code)}")));
    }

    private static string Legacy(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(code))));

    private static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 10);
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }

    private static string Normalise(string code) => code.Trim().Replace("-", "").Replace(" ", "").ToLowerInvariant();
}
