using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using VulnPlatform.Testing;

namespace VulnPlatform.Identity.Tests;

/// <summary>Identity as it runs, on a fresh database of the real PostgreSQL and RabbitMQ, with a clock the tests move.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public const string WebSecret = "web-client-secret-for-the-tests-0123456789";
    public const string NotificationSecret = "notification-secret-for-the-tests-0123456789";
    public const string AdminEmail = "admin@vulnplatform.test";
    public const string AdminPassword = "correct horse battery staple 42";

    private WebApplicationFactory<Program>? _factory;

    public TestServers Servers { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public LogCapture Logs { get; } = new();
    public string AdminTotpSecret { get; } = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));
    public IServiceProvider Services => _factory!.Services;
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public string Database { get; private set; } = "";
    public RSA SigningKey { get; } = RSA.Create(2048);

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        Database = await Servers.CreateDatabaseAsync("identity_test");
        _factory = Instance(Database, Clock);
        _ = _factory.Server; // start
        await BusReadiness.WaitAsync(_factory.Services);
    }

    /// <summary>An instance of Identity on <paramref name="database"/>, configured as the tests' own (same keys and clients), on <paramref name="clock"/> or the real time.</summary>
    public WebApplicationFactory<Program> Instance(string database, TimeProvider? clock = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in Servers.ServiceSettings(database)) host.UseSetting(key, value);
            host.UseSetting("PublicOrigin", "https://localhost");
            host.UseSetting("Encryption:ActiveKeyId", "test-1");
            host.UseSetting("Encryption:Keys:test-1", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            host.UseSetting("Identity:SigningKeys:0:Id", "test-signing-1");
            host.UseSetting("Identity:SigningKeys:0:Pem", SigningKey.ExportPkcs8PrivateKeyPem());
            // A second key, published for a rollover (the next to sign, or the last one still in tokens).
            host.UseSetting("Identity:SigningKeys:1:Id", "test-signing-2");
            host.UseSetting("Identity:SigningKeys:1:Pem", RSA.Create(2048).ExportPkcs8PrivateKeyPem());
            host.UseSetting("Identity:EncryptionKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            host.UseSetting("Identity:Clients:vulnplatform-web:Secret", WebSecret);
            host.UseSetting("Identity:Clients:notification:Secret", NotificationSecret);
            host.UseSetting("Identity:FirstAdmin:Email", AdminEmail);
            host.UseSetting("Identity:FirstAdmin:Password", AdminPassword);
            host.UseSetting("Identity:FirstAdmin:TotpSecret", AdminTotpSecret);
            // A cheaper hash keeps the suite quick; the configured cost is measured by the benchmark.
            host.UseSetting("Identity:Passwords:Iterations", "10000");
            host.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
            host.ConfigureTestServices(services =>
            {
                if (clock is not null) services.AddSingleton(clock);
                services.AddTransient<IStartupFilter, TestConnections>();
            });
        });

    /// <summary>The header naming the address a test's request comes from (the gateway's, loopback, when absent).</summary>
    public const string RemoteAddressHeader = TestConnections.RemoteAddressHeader;

    /// <summary>A browser of its own (cookie jar), on https://localhost, redirects not followed.</summary>
    public Browser Browser() => new(_factory!.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    }));

    /// <summary>A browser of its own on a client network: requests come through the gateway with X-Forwarded-For
    /// <paramref name="forwardedFor"/> or, given <paramref name="remote"/>, straight from that address.</summary>
    public Browser Browser(string forwardedFor, string? remote = null)
    {
        var client = _factory!.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true,
        });
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        if (remote is not null) client.DefaultRequestHeaders.Add(RemoteAddressHeader, remote);
        return new Browser(client);
    }

    /// <summary>A browser whose cookie jar is <paramref name="cookies"/> (to copy one browser's cookies into another, as a thief would).</summary>
    public Browser Browser(System.Net.CookieContainer cookies)
    {
        var client = _factory!.CreateDefaultClient(new Uri("https://localhost"), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));
        return new Browser(client);
    }

    public HttpClient Client() => _factory!.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

    public string AdminCode(DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(AdminTotpSecret)).ComputeTotp(at.UtcDateTime);

    /// <summary>
    /// A vendor organisation as Vendor Coordination's relay announces it, once Identity has stored it
    /// (the only kind of organisation a vendor account may be bound to).
    /// </summary>
    public async Task<Guid> RegisteredOrganisationAsync()
    {
        var organisation = Guid.NewGuid();
        await RawPublisher.PublishAsync(Servers, new Contracts.VendorCoordination.VendorOrganisationRegistered(organisation, "Acme Widgets", DateTimeOffset.UtcNow));
        var known = await Eventually.HoldsAsync(async () =>
        {
            await using var session = Store.QuerySession();
            return await session.LoadAsync<Accounts.Administering.KnownOrganisation>(organisation) is not null;
        }, TimeSpan.FromSeconds(30));
        Assert.True(known, "Identity did not store the registered organisation");
        return organisation;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await Servers.DropDatabaseAsync(Database);
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityFixture>
{
    public const string Name = "identity";
}
