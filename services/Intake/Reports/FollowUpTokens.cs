using System.Security.Cryptography;
using System.Text;

namespace VulnPlatform.Intake.Reports;

/// <summary>
/// The reporter's bearer secret for a report: 256 random bits, shown once, stored only as its
/// SHA-256 (a fast hash is right here: the token is random, not a password someone could guess).
/// </summary>
public static class FollowUpTokens
{
    public const string Header = "X-Follow-Up-Token";

    public static string Create() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string? presented, string storedHash)
    {
        // Hash even a missing token so that the answer takes the same time either way.
        var presentedHash = Encoding.ASCII.GetBytes(Hash(presented ?? string.Empty));
        return presented is not null
            && CryptographicOperations.FixedTimeEquals(presentedHash, Encoding.ASCII.GetBytes(storedHash));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
