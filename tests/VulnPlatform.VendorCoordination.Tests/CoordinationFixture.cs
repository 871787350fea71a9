using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using VulnPlatform.Testing;

namespace VulnPlatform.VendorCoordination.Tests;

/// <summary>VendorCoordination as it runs, on a fresh database on the real PostgreSQL and RabbitMQ.</summary>
public sealed class CoordinationFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;
    private string _database = "";

    /// <summary>Identity's token endpoint and Intake's contact lookup, as the coordination service asks them.</summary>
    public IntakeContactServer Intake { get; private set; } = null!;

    public TestServers Servers { get; private set; } = null!;
    public TestTokens Tokens { get; } = new("https://localhost:8443/");
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        _database = await Servers.CreateDatabaseAsync("coordination_test");
        Intake = await IntakeContactServer.StartAsync(Tokens, "coordination");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in Servers.ServiceSettings(_database)) host.UseSetting(key, value);
            foreach (var (key, value) in Intake.Settings("Coordination:Client")) host.UseSetting(key, value);
            host.ConfigureTestServices(services => Tokens.TrustedBy(services));
        });
        Client = _factory.CreateClient();
        await BusReadiness.WaitAsync(_factory.Services);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Intake.DisposeAsync();
        await Servers.DropDatabaseAsync(_database);
    }

    public string Coordinator() => Tokens.Person(Guid.NewGuid(), "coordinator");

    /// <summary>A vendor account's token, bound to <paramref name="organisation"/> as Identity binds it.</summary>
    public string VendorOf(Guid organisation) => Tokens.PersonWith(Guid.NewGuid(), [new Claim("vendor_org", organisation.ToString())], "vendor");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return await Client.SendAsync(request);
    }
}

[CollectionDefinition(Name)]
public sealed class CoordinationCollection : ICollectionFixture<CoordinationFixture>
{
    public const string Name = "coordination";
}
