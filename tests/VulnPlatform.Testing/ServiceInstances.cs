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
    private readonly TimeProvider _clock;
    private readonly TestTokens _tokens;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly List<WebApplicationFactory<TProgram>> _instances = [];

    private ServiceInstances(TestServers servers, string database, TimeProvider clock, TestTokens tokens, IReadOnlyDictionary<string, string> settings)
    {
        _servers = servers;
        _database = database;
        _clock = clock;
        _tokens = tokens;
        _settings = settings;
    }

    /// <summary>The running instances (a stopped one stays in the list, disposed).</summary>
    public IReadOnlyList<WebApplicationFactory<TProgram>> Instances => _instances;

    /// <summary>The PostgreSQL and RabbitMQ the instances use (for publishing and observing the bus).</summary>
    public TestServers Servers => _servers;

    public static async Task<ServiceInstances<TProgram>> StartAsync(
        string databasePrefix, int count, TimeProvider clock, TestTokens tokens, IReadOnlyDictionary<string, string> settings)
    {
        var servers = await TestServers.GetAsync();
        var database = await servers.CreateDatabaseAsync(databasePrefix);
        var service = new ServiceInstances<TProgram>(servers, database, clock, tokens, settings);
        for (var i = 0; i < count; i++) await service.StartAnotherAsync();
        return service;
    }

    /// <summary>One more instance on the same database and clock (e.g. a restart after the others stopped).</summary>
    public async Task<WebApplicationFactory<TProgram>> StartAnotherAsync()
    {
        var instance = new WebApplicationFactory<TProgram>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in _servers.ServiceSettings(_database)) host.UseSetting(key, value);
            foreach (var (key, value) in _settings) host.UseSetting(key, value);
            host.ConfigureTestServices(services =>
            {
                services.AddSingleton(_clock);
                _tokens.TrustedBy(services);
                services.AddTransient<IStartupFilter, TestConnections>(); // requests come from the gateway, or from where a test says
            });
        });
        _ = instance.Server;
        await BusReadiness.WaitAsync(instance.Services);
        _instances.Add(instance);
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        await _servers.DropDatabaseAsync(_database);
    }
}
