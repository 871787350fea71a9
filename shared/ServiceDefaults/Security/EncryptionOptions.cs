using System.Text.RegularExpressions;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// Keys for data at rest (configuration section <c>Encryption</c>): each key has an id, stored
/// beside everything it encrypts, so keys can rotate: new data uses <see cref="ActiveKeyId"/>, old
/// data stays readable while its key is listed. Keys are 32 random bytes, base64.
/// </summary>
public sealed partial class EncryptionOptions
{
    public const string Section = "Encryption";

    public string? ActiveKeyId { get; set; }
    public Dictionary<string, string> Keys { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrEmpty(ActiveKeyId))
        {
            yield return "Encryption:ActiveKeyId is not set (make up generates a development key under .run/keys).";
        }
        else if (!Keys.ContainsKey(ActiveKeyId))
        {
            yield return $"Encryption:Keys has no key '{ActiveKeyId}'.";
        }

        foreach (var (id, key) in Keys)
        {
            if (!KeyId().IsMatch(id))
            {
                yield return $"Encryption key id '{id}' must be 1-32 letters, digits, '-' or '_'.";
            }
            if (!IsKey(key))
            {
                yield return $"Encryption:Keys:{id} must be 32 bytes in base64.";
            }
        }
    }

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyId();
}
