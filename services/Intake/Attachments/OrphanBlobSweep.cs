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
public sealed class OrphanBlobSweep(IBlobStore blobs, IDocumentStore store, IOptions<AttachmentOptions> options, TimeProvider time, int pageSize = 500)
    : IMaintenanceTask
{
    public string Name => "orphan-blobs";

    /// <summary>Every blob past the grace period, a page at a time: the referenced ones of a page never hide the orphans after it.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var createdBefore = time.GetUtcNow() - options.Value.OrphanGracePeriod;
        long removed = 0;
        BlobPosition? after = null;
        while (true)
        {
            var page = await blobs.ListCreatedBeforeAsync(createdBefore, after, pageSize, cancellationToken);
            if (page.Count == 0) return removed;
            var candidates = page.Select(b => b.Id).ToList();
            await using (var session = store.QuerySession())
            {
                var referenced = await session.Events.QueryRawEventDataOnly<AttachmentStored>()
                    .Where(e => candidates.Contains(e.AttachmentId))
                    .Select(e => e.AttachmentId)
                    .ToListAsync(cancellationToken);
                var orphans = candidates.Except(referenced).ToList();
                await blobs.DeleteAsync(orphans, cancellationToken);
                removed += orphans.Count;
            }
            if (page.Count < pageSize) return removed;
            after = page[^1];
        }
    }
}
