using System.Security.Cryptography;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>A small value encrypted with AES-256-GCM: the key id, and nonce ‖ ciphertext ‖ tag.</summary>
public sealed record SealedValue(string KeyId, byte[] Payload);

/// <summary>
/// Seals small values (contact details, secrets) under the active key. The associated data binds a
/// sealed value to what it belongs to (a report id, say), so it cannot be moved to another record.
/// </summary>
public sealed class SealedBox(KeyRing keys)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public SealedValue Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var payload = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.ActiveKey, TagSize);
        aes.Encrypt(nonce, plaintext, payload.AsSpan(NonceSize, plaintext.Length), payload.AsSpan(NonceSize + plaintext.Length), associatedData);
        return new SealedValue(keys.ActiveKeyId, payload);
    }

    /// <summary>Opens a sealed value; a changed byte or other associated data throws <see cref="AuthenticationTagMismatchException"/>.</summary>
    public byte[] Open(SealedValue sealedValue, ReadOnlySpan<byte> associatedData)
    {
        var payload = sealedValue.Payload;
        if (payload.Length < NonceSize + TagSize)
        {
            throw new AuthenticationTagMismatchException("The sealed value is truncated.");
        }
        var plaintext = new byte[payload.Length - NonceSize - TagSize];
        using var aes = new AesGcm(keys.Key(sealedValue.KeyId), TagSize);
        aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, plaintext.Length), payload.AsSpan(NonceSize + plaintext.Length), plaintext, associatedData);
        return plaintext;
    }
}
