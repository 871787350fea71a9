using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace VulnPlatform.ServiceDefaults.Security;

public sealed class UnknownKeyException(string keyId)
    : CryptographicException($"Encryption key '{keyId}' is not configured; data encrypted under it cannot be read.");

/// <summary>The configured data keys, by id.</summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    public KeyRing(IOptions<EncryptionOptions> options)
    {
        var value = options.Value;
        var problems = value.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
        ActiveKeyId = value.ActiveKeyId!;
        _keys = value.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value));
    }

    public string ActiveKeyId { get; }

    public byte[] ActiveKey => _keys[ActiveKeyId];

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    public byte[] Key(string keyId) => _keys.TryGetValue(keyId, out var key) ? key : throw new UnknownKeyException(keyId);
}
