using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace VulnPlatform.ServiceDefaults.Persistence;

/// <summary>
/// Numbers from one PostgreSQL sequence per year in the service's database (tracking numbers,
/// advisory ids): distinct and increasing under any concurrency, without a lock that callers would
/// queue on. A caller that fails after taking a number leaves a gap; numbers are never reused.
/// </summary>
public sealed class YearlySequence(string name, IConfiguration configuration, IDocumentStore store) : IDisposable
{
    private readonly ConcurrentDictionary<int, string> _sequences = new();

    // nextval is one tiny statement: multiplexing packs concurrent ones into shared round trips
    // instead of each renting a connection (it cannot serve Marten's transactions).
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(configuration.GetConnectionString(MartenDefaults.ConnectionStringName))
    {
        ConnectionStringBuilder = { Multiplexing = true },
    }.Build();

    public void Dispose() => _dataSource.Dispose();

    public async Task<long> NextAsync(int year, CancellationToken cancellationToken)
    {
        var sequence = _sequences.TryGetValue(year, out var known) ? known : await EnsureSequenceAsync(year, cancellationToken);
        await using var command = _dataSource.CreateCommand($"select nextval('{sequence}')");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<string> EnsureSequenceAsync(int year, CancellationToken cancellationToken)
    {
        if (year is < 2000 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "The year has four digits.");
        }

        var sequence = $"{store.Options.DatabaseSchemaName}.{name}_{year}";
        await using var command = _dataSource.CreateCommand($"create sequence if not exists {sequence} as bigint minvalue 1");
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
        {
            // Another instance created it at the same moment; it exists now, which is all we need.
        }

        return _sequences[year] = sequence;
    }
}
