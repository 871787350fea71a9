using System.Net.Http.Json;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

/// <summary>Intake as it runs, on its own fresh database on the real PostgreSQL and RabbitMQ.</summary>
public sealed class IntakeFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public TestServers Servers { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public IDocumentStore Store => _factory!.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        var database = await Servers.CreateDatabaseAsync("intake_test");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:Marten", database);
            host.UseSetting("RabbitMq:Host", Servers.RabbitMqHost);
            host.UseSetting("RabbitMq:Port", Servers.RabbitMqPort.ToString());
            host.UseSetting("Marten:DaemonMode", "Solo");
        });
        Client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
    }

    public async Task<long> CountEventsAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    public async Task<SubmitReportResponse> SubmitAsync(object request)
    {
        var response = await Client.PostAsJsonAsync("/api/reports", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubmitReportResponse>())!;
    }
}

[CollectionDefinition(Name)]
public sealed class IntakeCollection : ICollectionFixture<IntakeFixture>
{
    public const string Name = "intake";
}
