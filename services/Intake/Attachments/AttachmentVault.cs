using System.Buffers;
using System.Security.Cryptography;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Attachments;

/// <summary>What was stored of one uploaded file.</summary>
public sealed record StoredContent(long Size, string Sha256, string SniffedContentType);

public sealed class AttachmentTooLarge(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

public sealed class EmptyAttachment() : Exception("The file is empty.");

/// <summary>A stored blob failed authentication: it was changed, truncated or belongs elsewhere.</summary>
public sealed class AttachmentIntegrityException(Guid blobId, Exception? inner = null)
    : Exception($"Attachment blob {blobId} failed its integrity check.", inner);

/// <summary>
/// Encrypts uploads into the blob store as they stream in, and decrypts them as they stream out,
/// a chunk at a time: memory stays at a few chunks whatever the file size.
/// </summary>
public sealed class AttachmentVault(IBlobStore blobs)
{
    private const int ChunkSize = ChunkedAesGcm.ChunkSize;

    /// <summary>
    /// Reads <paramref name="content"/> to its end (or until it passes <paramref name="maxBytes"/>),
    /// storing it encrypted under the report's attachment subkey. On any failure the caller deletes the blob.
    /// </summary>
    public async Task<StoredContent> StoreAsync(
        Guid reportId, byte[] reportKey, Guid blobId, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        using var cipher = ChunkedAesGcm.ForNewBlob(Subkey(reportKey), blobId, out var salt);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pending = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var pendingLength = await FillAsync(content, pending, cancellationToken);
            if (pendingLength == 0)
            {
                throw new EmptyAttachment();
            }

            var sniffed = ContentSniffer.Sniff(pending.AsSpan(0, Math.Min(pendingLength, ContentSniffer.BytesNeeded)));
            await blobs.CreateAsync(blobId, reportId, salt, cancellationToken);

            long size = 0;
            for (var index = 0; ; index++)
            {
                size += pendingLength;
                if (size > maxBytes)
                {
                    throw new AttachmentTooLarge(maxBytes);
                }
                hash.AppendData(pending, 0, pendingLength);

                // Read one chunk ahead: the last chunk is sealed as last, so truncation is detectable.
                var nextLength = await FillAsync(content, next, cancellationToken);
                var isFinal = nextLength == 0;
                await blobs.AppendChunkAsync(blobId, index, cipher.Seal(index, pending.AsSpan(0, pendingLength), isFinal), cancellationToken);
                if (isFinal)
                {
                    return new StoredContent(size, Convert.ToHexStringLower(hash.GetHashAndReset()), sniffed);
                }
                (pending, next) = (next, pending);
                pendingLength = nextLength;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pending);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>
    /// Decrypts the whole blob and checks it against the hash recorded at upload, without keeping it:
    /// a download starts only after this passed, so a tampered file is refused, never half-served.
    /// </summary>
    public async Task VerifyAsync(byte[] reportKey, Guid blobId, string expectedSha256, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await DecryptAsync(reportKey, blobId, chunk => { hash.AppendData(chunk.Span); return ValueTask.CompletedTask; }, cancellationToken);
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(actual), Convert.FromHexString(expectedSha256)))
        {
            throw new AttachmentIntegrityException(blobId);
        }
    }

    public Task CopyToAsync(byte[] reportKey, Guid blobId, Stream destination, CancellationToken cancellationToken) =>
        DecryptAsync(reportKey, blobId, chunk => destination.WriteAsync(chunk, cancellationToken), cancellationToken);

    private async Task DecryptAsync(byte[] reportKey, Guid blobId, Func<ReadOnlyMemory<byte>, ValueTask> onChunk, CancellationToken cancellationToken)
    {
        var header = await blobs.GetHeaderAsync(blobId, cancellationToken) ?? throw new AttachmentIntegrityException(blobId);
        if (header.ChunkCount == 0)
        {
            throw new AttachmentIntegrityException(blobId);
        }

        using var cipher = ChunkedAesGcm.ForExistingBlob(Subkey(reportKey), header.Salt, blobId);
        var plaintext = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var index = 0;
            await foreach (var sealedChunk in blobs.ReadChunksAsync(blobId, cancellationToken))
            {
                int length;
                try
                {
                    length = cipher.Open(index, sealedChunk, isFinal: index == header.ChunkCount - 1, plaintext);
                }
                catch (CryptographicException e)
                {
                    throw new AttachmentIntegrityException(blobId, e);
                }
                await onChunk(plaintext.AsMemory(0, length));
                index++;
            }
            if (index != header.ChunkCount)
            {
                throw new AttachmentIntegrityException(blobId);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    private static byte[] Subkey(byte[] reportKey) => DataKeys.Subkey(reportKey, Reports.ReportKeys.AttachmentPurpose);

    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < ChunkSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, ChunkSize - filled), cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
