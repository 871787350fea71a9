using System.Data;
using System.Runtime.CompilerServices;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace VulnPlatform.Intake.Attachments;

/// <summary>Blobs in Intake's own database: a header row and one row per encrypted chunk.</summary>
public sealed class PostgresBlobStore(NpgsqlDataSource dataSource, IDocumentStore store) : IBlobStore
{
    private const string Blobs = "intake_blobs";
    private const string Chunks = "intake_blob_chunks";

    private string Schema => store.Options.DatabaseSchemaName;

    public static void AddSchema(StoreOptions options)
    {
        var blobs = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Blobs, SchemaUtils.IdentifierUsage.General));
        blobs.AddColumn<Guid>("id").AsPrimaryKey();
        blobs.AddColumn<Guid>("report_id").NotNull();
        blobs.AddColumn("salt", "bytea").NotNull();
        blobs.AddColumn("created_at", "timestamptz").NotNull().DefaultValueByExpression("now()");

        var chunks = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Chunks, SchemaUtils.IdentifierUsage.General));
        chunks.AddColumn<Guid>("blob_id").AsPrimaryKey();
        chunks.AddColumn<int>("seq").AsPrimaryKey();
        chunks.AddColumn("data", "bytea").NotNull();

        options.Storage.ExtendedSchemaObjects.Add(blobs);
        options.Storage.ExtendedSchemaObjects.Add(chunks);
    }

    public async Task CreateAsync(Guid blobId, Guid reportId, byte[] salt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"insert into {Schema}.{Blobs} (id, report_id, salt) values ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = blobId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = reportId });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = salt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AppendChunkAsync(Guid blobId, int index, ReadOnlyMemory<byte> sealedChunk, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"insert into {Schema}.{Chunks} (blob_id, seq, data) values ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = blobId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = index });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = sealedChunk, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<BlobHeader?> GetHeaderAsync(Guid blobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select report_id, salt, (select count(*) from {Schema}.{Chunks} where blob_id = $1) from {Schema}.{Blobs} where id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = blobId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new BlobHeader(reader.GetGuid(0), reader.GetFieldValue<byte[]>(1), (int)reader.GetInt64(2))
            : null;
    }

    public async IAsyncEnumerable<byte[]> ReadChunksAsync(Guid blobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select data from {Schema}.{Chunks} where blob_id = $1 order by seq");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = blobId });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return await reader.GetFieldValueAsync<byte[]>(0, cancellationToken);
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<Guid> blobIds, CancellationToken cancellationToken)
    {
        if (blobIds.Count == 0)
        {
            return;
        }
        await using var batch = dataSource.CreateBatch();
        foreach (var table in new[] { Chunks, Blobs })
        {
            var command = new NpgsqlBatchCommand($"delete from {Schema}.{table} where {(table == Chunks ? "blob_id" : "id")} = any($1)");
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. blobIds] });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<BlobPosition>> ListCreatedBeforeAsync(DateTimeOffset createdBefore, BlobPosition? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(after is null
            ? $"select created_at, id from {Schema}.{Blobs} where created_at < $1 order by created_at, id limit $2"
            : $"select created_at, id from {Schema}.{Blobs} where created_at < $1 and (created_at, id) > ($3, $4) order by created_at, id limit $2");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdBefore });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (after is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = after.CreatedAt });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = after.Id });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var page = new List<BlobPosition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new BlobPosition(reader.GetFieldValue<DateTimeOffset>(0), reader.GetGuid(1)));
        }
        return page;
    }
}
