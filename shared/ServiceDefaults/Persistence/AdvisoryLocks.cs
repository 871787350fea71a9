using Marten;
using Npgsql;

namespace VulnPlatform.ServiceDefaults.Persistence;

/// <summary>Named locks in a service's PostgreSQL database, held across all its instances.</summary>
public static class AdvisoryLocks
{
    /// <summary>
    /// Waits for the lock named <paramref name="name"/> and holds it until the result is disposed (a
    /// transaction-level advisory lock on a connection of its own: it goes with the connection even if
    /// the instance dies).
    /// </summary>
    public static async Task<IAsyncDisposable> HoldAsync(this IDocumentStore store, string name, CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@name, 7))", connection, transaction))
            {
                command.Parameters.AddWithValue("name", name);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return new Held(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync(); // rolls back: the lock goes with the transaction
            await connection.DisposeAsync();
        }
    }
}
