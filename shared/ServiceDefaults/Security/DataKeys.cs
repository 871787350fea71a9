using System.Security.Cryptography;
using System.Text;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// A data key of one subject (a report, an account), wrapped by a key of the key ring: the document
/// that makes the subject's personal data readable. Deleting it erases that data wherever it is
/// stored, append-only event streams included ("crypto-shredding").
/// </summary>
public sealed class WrappedDataKey
{
    /// <summary>The subject's id.</summary>
    public Guid Id { get; set; }
    public SealedValue Wrapped { get; set; } = null!;
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The subject's data key was destroyed: its personal data is gone for good.</summary>
public sealed class DataErasedException(Guid subjectId)
    : Exception($"The personal data of {subjectId} was erased.");

/// <summary>
/// Envelope encryption: each subject gets its own random 256-bit data key, wrapped (AES-256-GCM,
/// bound to the subject's id) under the key ring's active key. Data is never sealed with the data
/// key itself but with a subkey per purpose (HKDF-SHA256, <c>info</c> = the purpose), so contact
/// details and attachments never share a key.
/// </summary>
public sealed class DataKeys(SealedBox box)
{
    private const int KeySize = 32;

    public WrappedDataKey Create(Guid subjectId, DateTimeOffset now, out byte[] dataKey)
    {
        dataKey = RandomNumberGenerator.GetBytes(KeySize);
        return new WrappedDataKey { Id = subjectId, Wrapped = box.Seal(dataKey, Binding(subjectId)), CreatedAt = now };
    }

    /// <summary>Opens the data key; throws <see cref="UnknownKeyException"/> when its key-ring key is not configured.</summary>
    public byte[] Unwrap(WrappedDataKey key) => box.Open(key.Wrapped, Binding(key.Id));

    /// <summary>The same data key, wrapped under the key ring's active key (key rotation).</summary>
    public WrappedDataKey Rewrap(WrappedDataKey key)
    {
        var dataKey = Unwrap(key);
        try
        {
            return new WrappedDataKey { Id = key.Id, Wrapped = box.Seal(dataKey, Binding(key.Id)), CreatedAt = key.CreatedAt };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public static byte[] Subkey(byte[] dataKey, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, KeySize, salt: null, info: Encoding.ASCII.GetBytes(purpose));

    /// <summary>Seals a small value under the subject's subkey for <paramref name="purpose"/>.</summary>
    public static byte[] Seal(byte[] dataKey, string purpose, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var key = Subkey(dataKey, purpose);
        try
        {
            return AesGcmSeal.Seal(key, plaintext, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public static byte[] Open(byte[] dataKey, string purpose, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData)
    {
        var key = Subkey(dataKey, purpose);
        try
        {
            return AesGcmSeal.Open(key, payload, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] Binding(Guid subjectId) => Encoding.ASCII.GetBytes($"data-key:{subjectId:N}");
}
