extern alias intake;
extern alias identity;
extern alias gateway;
extern alias triage;
extern alias notification;
extern alias coordination;
extern alias disclosure;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using VulnPlatform.Testing;
using Yarp.ReverseProxy.Forwarder;

namespace VulnPlatform.Authorization.Tests;

/// <summary>
/// Identity, Intake and the gateway in one process, on real PostgreSQL and RabbitMQ: the gateway
/// forwards to the two services' test servers, and every party trusts Identity's signing key, so
/// the same token can be tried through the gateway and directly.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string Origin = "https://localhost";
    public const string KeyId = "matrix-1";
    public const string OperatorSecret = "operator-secret-of-the-authorization-matrix-0123456789";
    public const string AdminEmail = "admin@matrix.test";
    public const string AdminPassword = "a matrix admin passphrase 2026";

    private readonly RSA _signingKey = RSA.Create(2048);
    private readonly List<string> _databases = [];

    public WebApplicationFactory<identity::Program> Identity { get; private set; } = null!;
    public WebApplicationFactory<intake::Program> Intake { get; private set; } = null!;
    public WebApplicationFactory<gateway::Program> Gateway { get; private set; } = null!;
    public WebApplicationFactory<triage::Program> Triage { get; private set; } = null!;
    public WebApplicationFactory<notification::Program> Notification { get; private set; } = null!;
    public WebApplicationFactory<coordination::Program> Coordination { get; private set; } = null!;
    public WebApplicationFactory<disclosure::Program> Disclosure { get; private set; } = null!;
    public TestTokens Tokens { get; private set; } = null!;
    public string AdminTotpSecret { get; } = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        Tokens = new TestTokens(Origin, _signingKey, KeyId);
        var identityDatabase = await CreateAsync(servers, "matrix_identity");
        var intakeDatabase = await CreateAsync(servers, "matrix_intake");
        var triageDatabase = await CreateAsync(servers, "matrix_triage");
        var notificationDatabase = await CreateAsync(servers, "matrix_notification");
        var coordinationDatabase = await CreateAsync(servers, "matrix_coordination");
        var disclosureDatabase = await CreateAsync(servers, "matrix_disclosure");

        Identity = new WebApplicationFactory<identity::Program>().WithWebHostBuilder(host =>
        {
            Common(host, servers, identityDatabase);
            host.UseSetting("Identity:SigningKeys:0:Id", KeyId);
            host.UseSetting("Identity:SigningKeys:0:Pem", _signingKey.ExportPkcs8PrivateKeyPem());
            host.UseSetting("Identity:EncryptionKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            host.UseSetting("Identity:Clients:notification:Secret", "notification-secret-of-the-matrix-0123456789");
            host.UseSetting("Identity:FirstAdmin:Email", AdminEmail);
            host.UseSetting("Identity:FirstAdmin:Password", AdminPassword);
            host.UseSetting("Identity:FirstAdmin:TotpSecret", AdminTotpSecret);
            host.UseSetting("Identity:Passwords:Iterations", "10000");
        });
        Intake = new WebApplicationFactory<intake::Program>().WithWebHostBuilder(host =>
        {
            Common(host, servers, intakeDatabase);
            TrustIdentity(host);
        });
        Triage = new WebApplicationFactory<triage::Program>().WithWebHostBuilder(host =>
        {
            Common(host, servers, triageDatabase);
            TrustIdentity(host);
        });
        Notification = new WebApplicationFactory<notification::Program>().WithWebHostBuilder(host =>
        {
            Common(host, servers, notificationDatabase);
            TrustIdentity(host);
        });
        _ = Identity.Server;
        _ = Intake.Server;
        _ = Triage.Server;
        Coordination = new WebApplicationFactory<coordination::Program>().WithWebHostBuilder(host =>
        {
            Common(host, servers, coordinationDatabase);
            TrustIdentity(host);
        });
        Disclosure = new WebApplicationFactory<disclosure::Program>().WithWebHostBuilder(host =>
        {
            Common(host, servers, disclosureDatabase);
            TrustIdentity(host);
        });
        _ = Notification.Server;
        _ = Coordination.Server;
        _ = Disclosure.Server;
        var backends = new Dictionary<string, HttpMessageHandler>
        {
            ["intake.internal"] = Intake.Server.CreateHandler(),
            ["identity.internal"] = Identity.Server.CreateHandler(),
            ["triage.internal"] = Triage.Server.CreateHandler(),
            ["notification.internal"] = Notification.Server.CreateHandler(),
            ["coordination.internal"] = Coordination.Server.CreateHandler(),
            ["disclosure.internal"] = Disclosure.Server.CreateHandler(),
        };
        Gateway = new WebApplicationFactory<gateway::Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("PublicOrigin", Origin);
            host.UseSetting("ReverseProxy:Clusters:intake:Destinations:intake-1:Address", "http://intake.internal/");
            host.UseSetting("ReverseProxy:Clusters:identity:Destinations:identity-1:Address", "http://identity.internal/");
            host.UseSetting("ReverseProxy:Clusters:triage:Destinations:triage-1:Address", "http://triage.internal/");
            host.UseSetting("ReverseProxy:Clusters:notification:Destinations:notification-1:Address", "http://notification.internal/");
            host.UseSetting("ReverseProxy:Clusters:vendorcoordination:Destinations:vendorcoordination-1:Address", "http://coordination.internal/");
            host.UseSetting("ReverseProxy:Clusters:disclosure:Destinations:disclosure-1:Address", "http://disclosure.internal/");
            foreach (var budget in new[] { "ReporterWritesPerMinute", "ReporterReadsPerMinute", "SignInPerMinute", "TokenPerMinute", "ConcurrentDownloadsPerClient" })
            {
                host.UseSetting($"Gateway:RateLimits:{budget}", "1000000");
            }
            TrustIdentity(host);
            host.ConfigureTestServices(services => services.AddSingleton<IForwarderHttpClientFactory>(new InProcessBackends(backends)));
        });
        _ = Gateway.Server;
    }

    /// <summary>Every endpoint a service maps, as "METHOD /pattern" (the matrix must name each one).</summary>
    public static IEnumerable<string> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(method => $"{method} /{e.RoutePattern.RawText?.TrimStart('/')}"))
            .Distinct();

    /// <summary>A client of the service the authorization matrix names (intake, identity, triage, notification, coordination, disclosure).</summary>
    public HttpClient Client(string service) => service switch
    {
        "intake" => Client(Intake),
        "triage" => Client(Triage),
        "notification" => Client(Notification),
        "coordination" => Client(Coordination),
        "disclosure" => Client(Disclosure),
        _ => Client(Identity),
    };

    public HttpClient Client(WebApplicationFactory<identity::Program> factory) => Https(factory);
    public HttpClient Client(WebApplicationFactory<intake::Program> factory) => Https(factory);
    public HttpClient Client(WebApplicationFactory<gateway::Program> factory) => Https(factory);
    public HttpClient Client(WebApplicationFactory<triage::Program> factory) => Https(factory);
    public HttpClient Client(WebApplicationFactory<notification::Program> factory) => Https(factory);
    public HttpClient Client(WebApplicationFactory<coordination::Program> factory) => Https(factory);
    public HttpClient Client(WebApplicationFactory<disclosure::Program> factory) => Https(factory);

    public string AdminCode(DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(AdminTotpSecret)).ComputeTotp(at.UtcDateTime);

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Coordination.DisposeAsync();
        await Disclosure.DisposeAsync();
        await Notification.DisposeAsync();
        await Triage.DisposeAsync();
        await Intake.DisposeAsync();
        await Identity.DisposeAsync();
        var servers = await TestServers.GetAsync();
        foreach (var database in _databases) await servers.DropDatabaseAsync(database);
    }

    private static HttpClient Https<T>(WebApplicationFactory<T> factory) where T : class =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(Origin), AllowAutoRedirect = false, HandleCookies = false });

    private async Task<string> CreateAsync(TestServers servers, string prefix)
    {
        var database = await servers.CreateDatabaseAsync(prefix);
        _databases.Add(database);
        return database;
    }

    private static void Common(IWebHostBuilder host, TestServers servers, string database)
    {
        foreach (var (key, value) in servers.ServiceSettings(database)) host.UseSetting(key, value);
        host.UseSetting("PublicOrigin", Origin);
        host.UseSetting("Encryption:ActiveKeyId", "matrix");
        host.UseSetting("Encryption:Keys:matrix", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        host.UseSetting("InternalApi:Clients:operator", OperatorSecret);
    }

    private void TrustIdentity(IWebHostBuilder host) =>
        host.ConfigureTestServices(services => Tokens.TrustedBy(services));

    /// <summary>YARP's outgoing client, answered by the services' in-process test servers by host name.</summary>
    private sealed class InProcessBackends(IReadOnlyDictionary<string, HttpMessageHandler> backends) : IForwarderHttpClientFactory
    {
        public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context) => new(new Dispatch(backends), disposeHandler: true);

        private sealed class Dispatch(IReadOnlyDictionary<string, HttpMessageHandler> backends) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                new HttpMessageInvoker(backends[request.RequestUri!.Host], disposeHandler: false).SendAsync(request, cancellationToken);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
