using System.Net.Http.Json;
using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

/// <summary>Intake as it runs, on its own fresh database on the real PostgreSQL and RabbitMQ.</summary>
public sealed class IntakeFixture : IAsyncLifetime
{
    // Small limits keep the limit tests quick; the defaults (10 files, 10 MiB, 50 MiB) are benchmarked.
    public const int MaxFilesPerReport = 4;
    public const int MaxFileBytes = 512 * 1024;
    public const int MaxBytesPerReport = 1024 * 1024;

    private WebApplicationFactory<Program>? _factory;

    public TestServers Servers { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public LogCapture Logs { get; } = new();
    /// <summary>Tokens as Identity issues them, signed by a key this Intake trusts (instead of fetching Identity's JWKS).</summary>
    public TestTokens Tokens { get; } = new("https://localhost:8443/");

    /// <summary>Notification's client-credentials token for the contact endpoint.</summary>
    public string NotificationToken => Tokens.Service("notification", "intake", "intake.contact.read");
    public string EncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public IServiceProvider Services => _factory!.Services;
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public string Database { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        Database = await Servers.CreateDatabaseAsync("intake_test");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in Servers.ServiceSettings(Database)) host.UseSetting(key, value);
            host.UseSetting("Encryption:ActiveKeyId", "test-1");
            host.UseSetting("Encryption:Keys:test-1", EncryptionKey);
            host.ConfigureTestServices(services => Tokens.TrustedBy(services));
            host.UseSetting("Attachments:MaxFilesPerReport", MaxFilesPerReport.ToString());
            host.UseSetting("Attachments:MaxFileBytes", MaxFileBytes.ToString());
            host.UseSetting("Attachments:MaxBytesPerReport", MaxBytesPerReport.ToString());
            // Everything is logged, down to Debug, so tests can check that no personal data is.
            host.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        });
        Client = _factory.CreateClient();
        await BusReadiness.WaitAsync(_factory.Services);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        await Servers.DropDatabaseAsync(Database);
    }

    public async Task<long> CountEventsAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Rows of stored blobs and chunks: "nothing stored" means this does not change.</summary>
    public async Task<(long Events, long Blobs, long Chunks)> StoredAsync() =>
        (await CountEventsAsync(), await CountAsync("select count(*) from intake_blobs"), await CountAsync("select count(*) from intake_blob_chunks"));

    public async Task<SubmitReportResponse> SubmitAsync(object request)
    {
        var response = await Client.PostAsJsonAsync("/api/reports", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubmitReportResponse>())!;
    }

    public HttpRequestMessage Reporter(HttpMethod method, SubmitReportResponse report, string path = "", HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, $"/api/reports/{report.TrackingNumber}{path}") { Content = content };
        request.Headers.Add("X-Follow-Up-Token", report.FollowUpToken);
        return request;
    }
}

[CollectionDefinition(Name)]
public sealed class IntakeCollection : ICollectionFixture<IntakeFixture>
{
    public const string Name = "intake";
}
