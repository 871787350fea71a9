using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// Key rotation that can retire a key-ring key: every subject's data key is re-wrapped under the
/// active key (the data itself is not touched), after which the old key can leave the configuration.
/// </summary>
public sealed class DataKeyRotation(IDocumentStore store, DataKeys keys, KeyRing ring)
{
    private const int Page = 1000;

    /// <summary>Re-wraps every data key not yet under the active key; reports (done, total) after each page.</summary>
    public async Task<long> RewrapAllAsync(IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var active = ring.ActiveKeyId;
        await using var query = store.QuerySession();
        var total = await query.Query<WrappedDataKey>().CountAsync(k => k.Wrapped.KeyId != active, cancellationToken);
        long done = 0;
        var after = Guid.Empty;
        while (true)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(cancellationToken);
            // The page's rows are locked as they are read, in the transaction that writes them back: an erasure
            // deleting a key waits for the page, and a key deleted before it is not read — a re-wrapped key is
            // never written back for a subject whose key is gone (which would make erased data readable again).
            var page = (await session.QueryAsync<WrappedDataKey>("where id > ? order by id limit ? for update", cancellationToken, after, Page)).ToList();
            if (page.Count == 0) break;
            foreach (var key in page.Where(k => k.Wrapped.KeyId != active))
            {
                session.Store(keys.Rewrap(key));
                done++;
            }
            await session.SaveChangesAsync(cancellationToken);
            after = page[^1].Id;
            progress?.Report((done, total));
        }
        return done;
    }
}

/// <summary>Warns at start when stored data keys are wrapped under key-ring keys this server does not have.</summary>
public sealed class DataKeyAudit(IDocumentStore store, KeyRing ring, ILogger<DataKeyAudit> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var session = store.QuerySession();
            var used = await session.Query<WrappedDataKey>().Select(k => k.Wrapped.KeyId).Distinct().ToListAsync(cancellationToken);
            foreach (var missing in used.Where(id => !ring.KeyIds.Contains(id)))
            {
                var count = await session.Query<WrappedDataKey>().CountAsync(k => k.Wrapped.KeyId == missing, cancellationToken);
                logger.LogWarning(
                    "Encryption key '{KeyId}' is not configured but protects {Count} data key(s): their personal data cannot be read until Encryption:Keys:{KeyId} is restored",
                    missing, count, missing);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(e, "Could not check which encryption keys the stored data keys need");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
