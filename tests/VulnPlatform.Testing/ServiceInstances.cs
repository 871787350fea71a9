using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace VulnPlatform.Testing;

/// <summary>
/// Several instances of one service on one fresh database, sharing a clock the test moves and trusting
/// the test's tokens: how the "exactly once across instances" tests run a service.
/// </summary>
public sealed class ServiceInstances<TProgram> : IAsyncDisposable where TProgram : class
{
    private readonly TestServers _servers;
    private readonly string _database;

    private ServiceInstances(TestServers servers, string database, IReadOnlyList<WebApplicationFactory<TProgram>> instances)
    {
        _servers = servers;
        _database = database;
        Instances = instances;
    }

    public IReadOnlyList<WebApplicationFactory<TProgram>> Instances { get; }

    /// <summary>The PostgreSQL and RabbitMQ the instances use (for publishing and observing the bus).</summary>
    public TestServers Servers => _servers;

    public static async Task<ServiceInstances<TProgram>> StartAsync(
        string databasePrefix, int count, TimeProvider clock, TestTokens tokens, IReadOnlyDictionary<string, string> settings)
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync(databasePrefix);
        var instances = new List<WebApplicationFactory<TProgram>>();
        for (var i = 0; i < count; i++)
        {
            var instance = new WebApplicationFactory<TProgram>().WithWebHostBuilder(host =>
            {
                foreach (var (key, value) in servers.ServiceSettings(database)) host.UseSetting(key, value);
                foreach (var (key, value) in settings) host.UseSetting(key, value);
                host.ConfigureTestServices(services =>
                {
                    services.AddSingleton(clock);
                    tokens.TrustedBy(services);
                });
            });
            _ = instance.Server;
            await BusReadiness.WaitAsync(instance.Services);
            instances.Add(instance);
        }
        return new ServiceInstances<TProgram>(servers, database, instances);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances) await instance.DisposeAsync();
        await _servers.DropDatabaseAsync(_database);
    }
}
