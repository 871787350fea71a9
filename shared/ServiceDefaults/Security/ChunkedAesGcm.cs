using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// Streaming authenticated encryption for large blobs, so neither upload nor download holds a whole
/// file in memory. Each blob gets its own AES-256-GCM key, derived with HKDF from the data key, a
/// random salt and the blob id; each chunk's nonce is its index and a final-chunk flag. A changed,
/// dropped, reordered, truncated or transplanted chunk fails authentication.
/// </summary>
public sealed class ChunkedAesGcm : IDisposable
{
    public const int ChunkSize = 128 * 1024;
    public const int TagSize = 16;
    public const int SaltSize = 32;

    private readonly AesGcm _aes;

    private ChunkedAesGcm(byte[] dataKey, byte[] salt, Guid blobId)
    {
        var blobKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, 32, salt, blobId.ToByteArray());
        _aes = new AesGcm(blobKey, TagSize);
        CryptographicOperations.ZeroMemory(blobKey);
    }

    public static ChunkedAesGcm ForNewBlob(byte[] dataKey, Guid blobId, out byte[] salt)
    {
        salt = RandomNumberGenerator.GetBytes(SaltSize);
        return new ChunkedAesGcm(dataKey, salt, blobId);
    }

    public static ChunkedAesGcm ForExistingBlob(byte[] dataKey, byte[] salt, Guid blobId) => new(dataKey, salt, blobId);

    public byte[] Seal(int index, ReadOnlySpan<byte> plaintext, bool isFinal)
    {
        var sealedChunk = new byte[plaintext.Length + TagSize];
        _aes.Encrypt(Nonce(index, isFinal), plaintext, sealedChunk.AsSpan(0, plaintext.Length), sealedChunk.AsSpan(plaintext.Length));
        return sealedChunk;
    }

    /// <summary>Decrypts one chunk into <paramref name="plaintext"/>; returns its length.</summary>
    public int Open(int index, ReadOnlySpan<byte> sealedChunk, bool isFinal, Span<byte> plaintext)
    {
        if (sealedChunk.Length < TagSize || sealedChunk.Length - TagSize > ChunkSize)
        {
            throw new AuthenticationTagMismatchException("An encrypted chunk has an impossible length.");
        }
        var length = sealedChunk.Length - TagSize;
        _aes.Decrypt(Nonce(index, isFinal), sealedChunk[..length], sealedChunk[length..], plaintext[..length]);
        return length;
    }

    private static byte[] Nonce(int index, bool isFinal)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(nonce.AsSpan(4), index);
        nonce[11] = isFinal ? (byte)1 : (byte)0;
        nonce[0] = 0x56; // fixed prefix: nonces of this scheme never equal another scheme's under one key
        return nonce;
    }

    public void Dispose() => _aes.Dispose();
}
