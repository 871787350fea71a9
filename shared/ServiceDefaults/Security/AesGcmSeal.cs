using System.Security.Cryptography;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>One AES-256-GCM sealing format for small values: nonce ‖ ciphertext ‖ tag, with associated data.</summary>
internal static class AesGcmSeal
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var payload = new byte[NonceSize + plaintext.Length + TagSize];
        RandomNumberGenerator.Fill(payload.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(payload.AsSpan(0, NonceSize), plaintext, payload.AsSpan(NonceSize, plaintext.Length),
            payload.AsSpan(NonceSize + plaintext.Length), associatedData);
        return payload;
    }

    /// <summary>Opens a sealed value; a changed byte or other associated data throws <see cref="AuthenticationTagMismatchException"/>.</summary>
    public static byte[] Open(byte[] key, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData)
    {
        if (payload.Length < NonceSize + TagSize)
        {
            throw new AuthenticationTagMismatchException("The sealed value is truncated.");
        }
        var plaintext = new byte[payload.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(payload[..NonceSize], payload.Slice(NonceSize, plaintext.Length), payload[(NonceSize + plaintext.Length)..],
            plaintext, associatedData);
        return plaintext;
    }
}
