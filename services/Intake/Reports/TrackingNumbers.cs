using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace VulnPlatform.Intake.Reports;

/// <summary>
/// Tracking numbers (<c>VR-2026-000123</c>) come from a per-year counter row in Intake's database:
/// the upsert takes the row lock, so concurrent submissions get distinct, increasing numbers. A
/// submission that fails after taking a number leaves a gap; numbers are never reused.
/// </summary>
public sealed class TrackingNumbers(NpgsqlDataSource dataSource, IDocumentStore store)
{
    private const string TableName = "intake_tracking_counters";

    public static void AddSchema(StoreOptions options)
    {
        var table = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<int>("year").AsPrimaryKey();
        table.AddColumn<long>("last_number").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(table);
    }

    public static string Format(int year, long number) => $"VR-{year}-{number:D6}";

    public async Task<string> NextAsync(int year, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            insert into {store.Options.DatabaseSchemaName}.{TableName} as c (year, last_number) values ($1, 1)
            on conflict (year) do update set last_number = c.last_number + 1
            returning last_number
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = year });
        var number = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return Format(year, number);
    }
}
