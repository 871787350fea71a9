using System.Collections.Concurrent;
using Marten;
using Npgsql;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.Intake.Reports;

/// <summary>
/// Tracking numbers (<c>VR-2026-000123</c>) come from one PostgreSQL sequence per year in Intake's
/// database: distinct and increasing under any concurrency, without a lock that submissions would
/// queue on. A submission that fails after taking a number leaves a gap; numbers are never reused.
/// </summary>
public sealed class TrackingNumbers(IConfiguration configuration, IDocumentStore store) : IDisposable
{
    private readonly ConcurrentDictionary<int, string> _sequences = new();

    // nextval is one tiny statement per submission: multiplexing packs concurrent ones into shared
    // round trips instead of each renting a connection (it cannot serve Marten's transactions).
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(configuration.GetConnectionString(MartenDefaults.ConnectionStringName))
    {
        ConnectionStringBuilder = { Multiplexing = true },
    }.Build();

    public void Dispose() => _dataSource.Dispose();

    public static string Format(int year, long number) => $"VR-{year}-{number:D6}";

    public async Task<string> NextAsync(int year, CancellationToken cancellationToken)
    {
        var sequence = _sequences.TryGetValue(year, out var known) ? known : await EnsureSequenceAsync(year, cancellationToken);
        await using var command = _dataSource.CreateCommand($"select nextval('{sequence}')");
        var number = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return Format(year, number);
    }

    private async Task<string> EnsureSequenceAsync(int year, CancellationToken cancellationToken)
    {
        if (year is < 2000 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "A tracking number's year has four digits.");
        }

        var sequence = $"{store.Options.DatabaseSchemaName}.intake_tracking_numbers_{year}";
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
