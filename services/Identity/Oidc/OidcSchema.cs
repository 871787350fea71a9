using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace VulnPlatform.Identity.Oidc;

/// <summary>
/// Creates OpenIddict's tables (and the data-protection keys') when the schema does not exist yet, under an advisory lock so that
/// several instances starting together create them once. (EnsureCreated would do nothing: Marten's
/// tables already make the database look initialised.)
/// </summary>
public sealed class OidcSchema(IServiceProvider services) : IHostedService
{
    private const long LockKey = 0x5650_4944_4F49_4443; // "VPIDOIDC"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await EnsureAsync(scope.ServiceProvider.GetRequiredService<OidcStore>(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task EnsureAsync(OidcStore store, CancellationToken cancellationToken)
    {
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        await store.Database.ExecuteSqlRawAsync($"select pg_advisory_xact_lock({LockKey})", cancellationToken);
        var exists = await store.Database
            .SqlQueryRaw<bool>($"select exists (select 1 from information_schema.tables where table_schema = '{OidcStore.Schema}') as \"Value\"")
            .SingleAsync(cancellationToken);
        if (!exists)
        {
            await store.Database.GetService<IRelationalDatabaseCreator>().CreateTablesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
