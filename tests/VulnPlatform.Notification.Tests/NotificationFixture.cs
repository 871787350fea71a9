extern alias intake;
extern alias coordination;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Notification.Recipients;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.SmtpSink;
using VulnPlatform.Testing;
using IntakeProgram = intake::Program;
using CoordinationProgram = coordination::Program;

namespace VulnPlatform.Notification.Tests;

/// <summary>
/// Notification as it runs, with the real Intake beside it (reports are submitted through Intake's
/// API; their events reach Notification over RabbitMQ; Notification reads the reporter's contact from
/// Intake's internal endpoint) and the real VendorCoordination (vendors' security contacts), each on a
/// fresh database, and a real SMTP server on loopback.
/// Identity's token endpoint is the one stand-in: it hands out tokens signed by the key both trust.
/// </summary>
public sealed class NotificationFixture : IAsyncLifetime
{
    private WebApplicationFactory<IntakeProgram>? _intake;
    private WebApplicationFactory<Program>? _notification;
    private WebApplicationFactory<CoordinationProgram>? _coordination;
    private string _coordinationDatabase = "";
    private string _intakeDatabase = "";
    private string _notificationDatabase = "";

    /// <summary>Notification's own database (a connection string).</summary>
    public string NotificationDatabase => _notificationDatabase;

    public TestServers Servers { get; private set; } = null!;
    public TestTokens Tokens { get; } = new("https://localhost:8443/");
    public int SmtpPort { get; } = FreePort();
    public MailSink? Mail { get; private set; }
    public HttpClient Intake { get; private set; } = null!;
    public HttpClient Notification { get; private set; } = null!;
    public HttpClient Coordination { get; private set; } = null!;
    public IServiceProvider Services => _notification!.Services;
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();
    public IDocumentStore CoordinationStore => _coordination!.Services.GetRequiredService<IDocumentStore>();
    public IDocumentStore IntakeStore => _intake!.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        _intakeDatabase = await Servers.CreateDatabaseAsync("intake_for_notification_test");
        _notificationDatabase = await Servers.CreateDatabaseAsync("notification_test");
        _coordinationDatabase = await Servers.CreateDatabaseAsync("coordination_for_notification_test");
        Mail = MailSink.Start(SmtpPort);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _intake = new WebApplicationFactory<IntakeProgram>().WithWebHostBuilder(host =>
        {
            foreach (var (k, v) in Servers.ServiceSettings(_intakeDatabase)) host.UseSetting(k, v);
            host.UseSetting("Encryption:ActiveKeyId", "test-1");
            host.UseSetting("Encryption:Keys:test-1", key);
            host.ConfigureTestServices(services => Tokens.TrustedBy(services));
        });
        Intake = _intake.CreateClient();
        var intakeBackend = new Dictionary<string, HttpMessageHandler> { ["intake.internal"] = _intake.Server.CreateHandler() };
        _coordination = new WebApplicationFactory<CoordinationProgram>().WithWebHostBuilder(host =>
        {
            foreach (var (k, v) in Servers.ServiceSettings(_coordinationDatabase)) host.UseSetting(k, v);
            host.UseSetting("Coordination:Client:IntakeAddress", "http://intake.internal/");
            host.ConfigureTestServices(services =>
            {
                Tokens.TrustedBy(services);
                services.Configure<HttpClientFactoryOptions>(coordination::VulnPlatform.VendorCoordination.Cases.ReporterIdentities.ClientName,
                    o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = new ByHost(intakeBackend)));
                services.Configure<HttpClientFactoryOptions>(ServiceTokens.ClientName,
                    o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = new TokenEndpoint(Tokens)));
            });
        });
        Coordination = _coordination.CreateClient();
        var backends = new Dictionary<string, HttpMessageHandler>
        {
            ["intake.internal"] = _intake.Server.CreateHandler(),
            ["coordination.internal"] = _coordination.Server.CreateHandler(),
        };
        _notification = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (k, v) in Servers.ServiceSettings(_notificationDatabase)) host.UseSetting(k, v);
            host.UseSetting("Encryption:ActiveKeyId", "test-1");
            host.UseSetting("Encryption:Keys:test-1", key);
            host.UseSetting("Notification:Smtp:Port", SmtpPort.ToString());
            host.UseSetting("Notification:Smtp:Security", "None");
            host.UseSetting("Notification:Delivery:PollInterval", "00:00:00.500");
            host.UseSetting("Notification:Delivery:RetryBase", "00:00:01");
            host.UseSetting("Notification:Delivery:RetryMax", "00:00:02");
            host.UseSetting("Notification:Webhooks:AllowLoopback", "true");
            host.UseSetting("Notification:Webhooks:DisableAfterConsecutiveFailures", "3");
            host.UseSetting("Notification:Desks:Mailboxes:sales", "sales-desk@example.com");
            host.UseSetting("Notification:Desks:Mailboxes:support", "support-desk@example.com");
            host.UseSetting("Notification:Desks:Mailboxes:staff-on-duty", "duty@example.com");
            host.UseSetting("Notification:Client:IntakeAddress", "http://intake.internal/");
            host.UseSetting("Notification:Client:CoordinationAddress", "http://coordination.internal/");
            host.ConfigureTestServices(services =>
            {
                Tokens.TrustedBy(services);
                services.Configure<HttpClientFactoryOptions>(ContactDirectory.ClientName,
                    o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = new ByHost(backends)));
                services.Configure<HttpClientFactoryOptions>(ServiceTokens.ClientName,
                    o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = new TokenEndpoint(Tokens)));
            });
        });
        Notification = _notification.CreateClient();
        await BusReadiness.WaitAsync(_intake.Services);
        await BusReadiness.WaitAsync(_notification.Services);
        await BusReadiness.WaitAsync(_coordination.Services);
    }

    public async Task DisposeAsync()
    {
        if (Mail is not null) await Mail.DisposeAsync();
        if (_notification is not null) await _notification.DisposeAsync();
        if (_intake is not null) await _intake.DisposeAsync();
        if (_coordination is not null) await _coordination.DisposeAsync();
        await Servers.DropDatabaseAsync(_coordinationDatabase);
        await Servers.DropDatabaseAsync(_notificationDatabase);
        await Servers.DropDatabaseAsync(_intakeDatabase);
    }

    /// <summary>Stops the SMTP server (the port refuses connections) until <see cref="StartMail"/>.</summary>
    public async Task StopMailAsync()
    {
        await Mail!.DisposeAsync();
        Mail = null;
    }

    public void StartMail() => Mail = MailSink.Start(SmtpPort);

    public IEnumerable<MimeKit.MimeMessage> MailTo(string address) =>
        (Mail?.Messages ?? []).Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase))
            .Select(m => MimeKit.MimeMessage.Load(new MemoryStream(m.Raw)));

    /// <summary>Submits a report through Intake's API; returns its tracking number, follow-up token and id.</summary>
    public async Task<(string TrackingNumber, string FollowUpToken, Guid ReportId)> SubmitAsync(object body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(body) };
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        var response = await Intake.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (receipt.GetProperty("trackingNumber").GetString()!, receipt.GetProperty("followUpToken").GetString()!,
            receipt.GetProperty("reportId").GetGuid());
    }

    public async Task<IReadOnlyList<Delivery>> DeliveriesAsync(string trackingNumber)
    {
        await using var session = Store.QuerySession();
        return await session.Query<Delivery>().Where(d => d.TrackingNumber == trackingNumber).ToListAsync();
    }

    /// <summary>
    /// The report's e-mail delivery of <paramref name="template"/> once Notification has recorded it sent (the SMTP
    /// server holds an e-mail a moment before that is written); fails when it is not within 30 s.
    /// </summary>
    public async Task<Delivery> SentAsync(string trackingNumber, string template)
    {
        Delivery? sent = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            sent = (await DeliveriesAsync(trackingNumber)).SingleOrDefault(d => d.Template == template && d.Channel == DeliveryChannels.Email);
            return sent?.Status == DeliveryStatus.Sent;
        }, TimeSpan.FromSeconds(30)), $"the {template} of {trackingNumber} was not recorded sent: {await DeliveryLogAsync(trackingNumber)}");
        return sent!;
    }

    /// <summary>What Notification did with a report's messages, for a failure message: template, recipient, status, history and last error of each.</summary>
    public async Task<string> DeliveryLogAsync(string trackingNumber) => string.Join("\n", (await DeliveriesAsync(trackingNumber)).Select(d =>
        $"{d.Template} to {d.Recipient.Kind} ({d.Channel}): {d.Status} after {d.Attempts} [{string.Join(", ", d.History.Select(h => $"{h.Event} {h.At:HH:mm:ss.fff}"))}] {d.LastError}"));

    /// <summary>Registers a vendor organisation in VendorCoordination's directory; returns its id.</summary>
    public async Task<Guid> VendorAsync(string name, params string[] contacts)
    {
        using var request = Request(HttpMethod.Post, "/api/coordination/vendors", Tokens.Person(Guid.NewGuid(), "coordinator"),
            new { name, products = new[] { new { name = "Product" } }, securityContacts = contacts });
        var response = await Coordination.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? bearer, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Addresses whose next contact lookup fails as an HTTP client's timeout does (a
    /// <see cref="TaskCanceledException"/>, not an <see cref="HttpRequestException"/>); once each.
    /// </summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> LookupTimesOutOnce = new();

    /// <summary>Requests to the in-process services, by host name.</summary>
    private sealed class ByHost(IReadOnlyDictionary<string, HttpMessageHandler> backends) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await new HttpMessageInvoker(backends[request.RequestUri!.Host], disposeHandler: false).SendAsync(request, cancellationToken);
            if (!LookupTimesOutOnce.IsEmpty && request.RequestUri.AbsolutePath.EndsWith("/contact", StringComparison.Ordinal))
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var address = LookupTimesOutOnce.Keys.FirstOrDefault(a => body.Contains(a, StringComparison.Ordinal));
                if (address is not null && LookupTimesOutOnce.TryRemove(address, out _))
                {
                    response.Dispose();
                    throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout (simulated).");
                }
                var copy = new HttpResponseMessage(response.StatusCode) { Content = new StringContent(body, System.Text.Encoding.UTF8, response.Content.Headers.ContentType?.MediaType ?? "application/json") };
                response.Dispose();
                return copy;
            }
            return response;
        }
    }

    /// <summary>Identity's token endpoint for client credentials, as far as Notification uses it.</summary>
    private sealed class TokenEndpoint(TestTokens tokens) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = (await request.Content!.ReadAsStringAsync(cancellationToken)).Split('&')
                .Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]));
            var scope = form["scope"];
            var audience = scope.Split('.')[0] is "coordination" ? "vendorcoordination" : scope.Split('.')[0];
            var token = tokens.Service(form["client_id"], audience, scope);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new { access_token = token, token_type = "Bearer", expires_in = 600 }),
            };
        }
    }
}

[CollectionDefinition(Name)]
public sealed class NotificationCollection : ICollectionFixture<NotificationFixture>
{
    public const string Name = "notification";
}
