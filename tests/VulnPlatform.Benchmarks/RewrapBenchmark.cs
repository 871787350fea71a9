using System.Diagnostics;
using System.Security.Cryptography;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// `make bench-rewrap`: the time to re-wrap N report data keys under a new key-ring key (the operator's
/// `rewrap-keys` command), on a database of its own that is dropped afterwards.
/// </summary>
static class RewrapBenchmark
{
    public static async Task<int> RunAsync(string server, int count)
    {
        const string database = "vp_rewrap_bench";
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database if exists {database} with (force); create database {database}", admin).ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            // Keys made under "old" ...
            using (var before = Build(connection, ("old", oldKey)))
            {
                await before.StartAsync();
                var keys = before.Services.GetRequiredService<DataKeys>();
                var store = before.Services.GetRequiredService<IDocumentStore>();
                var watch = Stopwatch.StartNew();
                var now = DateTimeOffset.UtcNow;
                foreach (var chunk in Enumerable.Range(0, count).Chunk(10_000))
                {
                    await store.BulkInsertDocumentsAsync(chunk.Select(i => keys.Create(Guid.NewGuid(), now, out var _)));
                }
                Console.WriteLine($"rewrap: {count} data keys created under the old key in {watch.Elapsed.TotalSeconds:F1} s");
                await before.StopAsync();
            }

            // ... re-wrapped under "new" while "old" is still configured, as the operator does.
            using var after = Build(connection, ("new", newKey), ("old", oldKey));
            await after.StartAsync();
            var rotation = after.Services.GetRequiredService<DataKeyRotation>();
            var timer = Stopwatch.StartNew();
            var done = await rotation.RewrapAllAsync(null, CancellationToken.None);
            Console.WriteLine($"rewrap: {done} data keys re-wrapped in {timer.Elapsed.TotalSeconds:F1} s ({done / timer.Elapsed.TotalSeconds:F0}/s)");
            await after.StopAsync();
            return done == count ? 0 : 1;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database if exists {database} with (force)", admin).ExecuteNonQueryAsync();
        }
    }

    private static IHost Build(string connection, params (string Id, string Key)[] ring)
    {
        var builder = Host.CreateApplicationBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = connection,
            ["Marten:DaemonMode"] = "Disabled",
            ["Encryption:ActiveKeyId"] = ring[0].Id,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (id, key) in ring) settings[$"Encryption:Keys:{id}"] = key;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMartenDefaults(_ => { });
        builder.AddEncryptionAtRest();
        return builder.Build();
    }
}
