using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Intake.Reports;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Attachments;

/// <summary>
/// Blobs are written while an upload streams in and recorded by an event afterwards; when the
/// recording fails (or the process dies in between) the blobs belong to nothing. This maintenance
/// task deletes blobs older than <see cref="AttachmentOptions.OrphanGracePeriod"/> that no
/// <see cref="AttachmentStored"/> event refers to. A blob an event refers to is never deleted here.
/// </summary>
public sealed class OrphanBlobSweep(IBlobStore blobs, IDocumentStore store, IOptions<AttachmentOptions> options, TimeProvider time)
    : IMaintenanceTask
{
    private const int Batch = 500;

    public string Name => "orphan-blobs";

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var candidates = await blobs.ListCreatedBeforeAsync(time.GetUtcNow() - options.Value.OrphanGracePeriod, Batch, cancellationToken);
        if (candidates.Count == 0)
        {
            return 0;
        }

        await using var session = store.QuerySession();
        var referenced = await session.Events.QueryRawEventDataOnly<AttachmentStored>()
            .Where(e => candidates.Contains(e.AttachmentId))
            .Select(e => e.AttachmentId)
            .ToListAsync(cancellationToken);
        var orphans = candidates.Except(referenced).ToList();
        await blobs.DeleteAsync(orphans, cancellationToken);
        return orphans.Count;
    }
}
