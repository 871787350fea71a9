using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// The relay's progress inside a page of events. Marten records a subscription's progress only when
/// a whole page is done; this records every few dozen confirmed events, so a restart skips what the
/// broker already confirmed instead of publishing the whole page again.
/// </summary>
// The store is resolved on first use: the relay, built with the store, depends on this class.
public sealed class RelayCheckpoints(NpgsqlDataSource dataSource, IServiceProvider services)
{
    private const string Table = "vp_relay_checkpoints";

    private string Name => $"{services.GetRequiredService<IDocumentStore>().Options.Events.DatabaseSchemaName}.{Table}";

    public static void AddSchema(StoreOptions options)
    {
        var table = new Table(new PostgresqlObjectName(options.Events.DatabaseSchemaName, Table, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("name").AsPrimaryKey();
        table.AddColumn<long>("sequence").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(table);
    }

    /// <summary>The highest sequence below which every event was published (or dead-lettered).</summary>
    public async Task<long> ReadAsync(string relay, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select sequence from {Name} where name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = relay });
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }

    public async Task WriteAsync(string relay, long sequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"insert into {Name} (name, sequence) values ($1, $2) on conflict (name) do update set sequence = greatest({Name}.sequence, excluded.sequence)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = relay });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
