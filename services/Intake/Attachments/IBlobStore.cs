namespace VulnPlatform.Intake.Attachments;

/// <summary>Where a blob's encryption parameters live beside its chunks.</summary>
public sealed record BlobHeader(Guid ReportId, byte[] Salt, int ChunkCount);

/// <summary>
/// Storage of encrypted blobs as ordered chunks. Content arrives here already encrypted; a store
/// never sees plaintext. PostgreSQL by default; an S3-compatible store can implement the same calls.
/// </summary>
public interface IBlobStore
{
    Task CreateAsync(Guid blobId, Guid reportId, byte[] salt, CancellationToken cancellationToken);

    Task AppendChunkAsync(Guid blobId, int index, ReadOnlyMemory<byte> sealedChunk, CancellationToken cancellationToken);

    Task<BlobHeader?> GetHeaderAsync(Guid blobId, CancellationToken cancellationToken);

    /// <summary>The chunks in order, one at a time (never the whole blob in memory).</summary>
    IAsyncEnumerable<byte[]> ReadChunksAsync(Guid blobId, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the blobs created before <paramref name="createdBefore"/>, oldest first, starting after
    /// <paramref name="after"/> (the last of the previous page), for the orphan sweep.
    /// </summary>
    Task<IReadOnlyList<BlobPosition>> ListCreatedBeforeAsync(DateTimeOffset createdBefore, BlobPosition? after, int limit, CancellationToken cancellationToken);
}

/// <summary>Where a blob sits in creation order: its creation time, then its id.</summary>
public sealed record BlobPosition(DateTimeOffset CreatedAt, Guid Id);
