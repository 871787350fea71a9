using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using VulnPlatform.Testing;

namespace VulnPlatform.Triage.Tests;

/// <summary>Triage as it runs, on a fresh database of the real PostgreSQL and RabbitMQ, trusting test tokens.</summary>
public sealed class TriageFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public TestServers Servers { get; private set; } = null!;
    public TestTokens Tokens { get; } = new("https://localhost:8443/");
    public string Database { get; private set; } = "";
    public Guid Analyst { get; } = Guid.NewGuid();

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        Database = await Servers.CreateDatabaseAsync("triage_test");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in Servers.ServiceSettings(Database)) host.UseSetting(key, value);
            host.ConfigureTestServices(services => Tokens.TrustedBy(services));
        });
        _ = _factory.Server;
        await BusReadiness.WaitAsync(_factory.Services);
    }

    public HttpClient Client() => _factory!.CreateClient();

    public HttpRequestMessage Request(HttpMethod method, string url, string? token, HttpContent? content = null, string? ifMatch = null) =>
        Requests.Bearer(method, url, token, content, ifMatch);

    public string AnalystToken => Tokens.Person(Analyst, "analyst");

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await Servers.DropDatabaseAsync(Database);
    }
}

[CollectionDefinition(Name)]
public sealed class TriageCollection : ICollectionFixture<TriageFixture>
{
    public const string Name = "triage";
}
