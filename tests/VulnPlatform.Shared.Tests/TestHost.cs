using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests;

/// <summary>A bare service host wired with ServiceDefaults, on a fresh database of the real servers.</summary>
public static class TestHost
{
    public static async Task<RunningHost> StartAsync(
        TestServers servers, string databasePrefix, Action<HostApplicationBuilder> configure,
        ushort? rabbitPort = null, string? database = null, IDictionary<string, string?>? settings = null, LogCapture? logs = null,
        bool waitForBus = true)
    {
        var ownsDatabase = database is null;
        database ??= await servers.CreateDatabaseAsync(databasePrefix);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(servers.ServiceSettings(database).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Port"] = (rabbitPort ?? servers.RabbitMqPort).ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.AddServiceDefaults();
        configure(builder);
        var host = builder.Build();
        await host.StartAsync();
        if (waitForBus) await BusReadiness.WaitAsync(host.Services);
        return new RunningHost(host, servers, ownsDatabase ? database : null);
    }
}

/// <summary>A started host and its database; disposing (once; again does nothing) stops the one and drops the other (when it made it).</summary>
public sealed record RunningHost(IHost Host, TestServers Servers, string? Database) : IAsyncDisposable
{
    public IServiceProvider Services => Host.Services;

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await Host.StopAsync();
        Host.Dispose();
        if (Database is not null) await Servers.DropDatabaseAsync(Database);
    }
}
