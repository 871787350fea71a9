using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using VulnPlatform.ServiceDefaults.Persistence;

/// <summary>A service's Marten store on a benchmark database of its own: made fresh, dropped afterwards (vacuumed on request, as autovacuum keeps a live one).</summary>
sealed class BenchStore : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _database;
    private readonly IHost _host;

    private readonly bool _keep;

    private BenchStore(string server, string database, IHost host, bool keep)
    {
        _server = server;
        _database = database;
        _host = host;
        _keep = keep;
    }

    public IDocumentStore Store => _host.Services.GetRequiredService<IDocumentStore>();
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString;

    /// <param name="keep">Leave the database when done (the backup benchmark backs it up afterwards).</param>
    public static async Task<BenchStore> StartAsync(string server, string database, Action<StoreOptions> configure, bool keep = false)
    {
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database if exists {database} with (force); create database {database}", admin).ExecuteNonQueryAsync();
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString,
            ["Marten:DaemonMode"] = "Disabled",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddMartenDefaults(configure);
        var host = builder.Build();
        await host.StartAsync();
        return new BenchStore(server, database, host, keep);
    }

    public async Task VacuumAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand("vacuum analyze", connection).ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        NpgsqlConnection.ClearAllPools();
        if (_keep) return;
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await new NpgsqlCommand($"drop database if exists {_database} with (force)", admin).ExecuteNonQueryAsync();
    }
}
