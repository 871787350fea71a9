using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Notification.Webhooks;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.Testing;

namespace VulnPlatform.Notification.Tests;

/// <summary>Webhook subscribers: registration by admins, signed deliveries, retries, disabling, and the refusals that keep webhooks out of the internal network.</summary>
[Collection(NotificationCollection.Name)]
public sealed class WebhookTests(NotificationFixture fixture) : IAsyncLifetime
{
    private WebApplication _receiver = null!;
    private readonly ConcurrentQueue<Received> _received = new();
    private int _failFirst;
    private string _url = "";

    private sealed record Received(string Id, string Timestamp, string Signature, string Body);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hooks/{name}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            _received.Enqueue(new Received(request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), await reader.ReadToEndAsync()));
            return Interlocked.Decrement(ref _failFirst) >= 0 ? Results.StatusCode(503) : Results.NoContent();
        });
        await _receiver.StartAsync();
        _url = _receiver.Urls.Single().TrimEnd('/');
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_subscriber_gets_the_events_it_chose_signed_so_an_independent_verifier_accepts_them_and_retries_carry_the_same_id()
    {
        var (id, secret) = await RegisterAsync($"{_url}/hooks/signed", ["triage.report-acknowledged"]);
        Assert.StartsWith("whsec_", secret);
        _failFirst = 2; // the subscriber is down twice, then answers
        var reportId = Guid.NewGuid();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(fixture.Servers, new ReportAcknowledged(reportId, reportId, trackingNumber, "We are on it.",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow));
        var fixedId = Guid.NewGuid();
        using var consumed = new ConsumedMessages();
        await RawPublisher.PublishAsync(fixture.Servers, new CaseFixed(reportId, reportId, trackingNumber, "4.2.2",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow), fixedId); // not chosen: never sent

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_received.Count(r => r.Body.Contains(trackingNumber)) == 3), TimeSpan.FromSeconds(30)),
            $"expected 3 attempts, got {_received.Count(r => r.Body.Contains(trackingNumber))}");
        var attempts = _received.Where(r => r.Body.Contains(trackingNumber)).ToList();
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        foreach (var attempt in attempts) Assert.True(StandardWebhooks.Verify(secret, attempt.Id, attempt.Timestamp, attempt.Body, attempt.Signature));
        Assert.False(StandardWebhooks.Verify(secret, attempts[0].Id, attempts[0].Timestamp, attempts[0].Body.Replace("We are on it.", "We are on it!"), attempts[0].Signature));
        Assert.False(StandardWebhooks.Verify("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), attempts[0].Id, attempts[0].Timestamp, attempts[0].Body, attempts[0].Signature));

        using var payload = JsonDocument.Parse(attempts[0].Body);
        Assert.Equal("triage.report-acknowledged", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal(trackingNumber, payload.RootElement.GetProperty("data").GetProperty("trackingNumber").GetString());
        // Planned or not when consumed: once the consumer is done with the fix, no delivery of it can appear.
        Assert.True(await consumed.WaitForAsync(fixedId, "NotificationConsumer", TimeSpan.FromSeconds(30)), "the fix was not consumed");
        Assert.DoesNotContain(await fixture.DeliveriesAsync(trackingNumber), d => d.Channel == DeliveryChannels.Webhook && d.Template == "triage.case-fixed");
        Assert.DoesNotContain(_received, r => r.Body.Contains("triage.case-fixed"));

        // The secret was shown once: never again.
        var read = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, $"/api/notifications/webhooks/{id}", Admin));
        Assert.DoesNotContain(secret, await read.Content.ReadAsStringAsync());
        var list = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, "/api/notifications/webhooks", Admin));
        Assert.DoesNotContain(secret[6..], await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_subscriber_that_keeps_failing_is_disabled_after_the_configured_run_of_failures()
    {
        var (id, _) = await RegisterAsync($"{_url}/hooks/failing", ["triage.progress-update-posted"]);
        _failFirst = 1_000;
        var reportId = Guid.NewGuid();
        await RawPublisher.PublishAsync(fixture.Servers, new ProgressUpdatePosted(reportId, reportId, "VR-2026-101010", "Still working.",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow));
        JsonElement view = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            view = await (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, $"/api/notifications/webhooks/{id}", Admin))).Content.ReadFromJsonAsync<JsonElement>();
            return !view.GetProperty("active").GetBoolean();
        }, TimeSpan.FromSeconds(40)));
        Assert.Contains("3 delivery attempts failed in a row", view.GetProperty("disabledReason").GetString());
        _failFirst = 0;
        var enabled = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, $"/api/notifications/webhooks/{id}/enable", Admin));
        Assert.True((await enabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());
    }

    [Theory]
    [InlineData("http://example.com/hook")]            // plain HTTP beyond loopback
    [InlineData("https://10.20.30.40/hook")]           // private
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("https://172.16.5.5/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")] // cloud metadata (link-local)
    [InlineData("https://100.64.0.1/hook")]            // carrier-grade NAT
    [InlineData("https://[fd00::1]/hook")]             // unique local IPv6
    [InlineData("https://[fe80::1]/hook")]             // link-local IPv6
    [InlineData("https://[::ffff:10.0.0.1]/hook")]     // IPv4-mapped private
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://user:secret@example.com/hook")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("/relative/hook")]
    public async Task Registration_refuses_urls_that_are_not_https_or_point_into_a_private_network(string url)
    {
        var response = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, "/api/notifications/webhooks", Admin,
            new { url, eventTypes = new[] { "triage.case-opened" } }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.ToString());
    }

    [Fact]
    public async Task Only_admins_manage_webhooks_and_unknown_event_types_are_refused()
    {
        var body = new { url = $"{_url}/hooks/x", eventTypes = new[] { "triage.case-opened" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, "/api/notifications/webhooks",
            fixture.Tokens.Person(Guid.NewGuid(), "coordinator"), body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, "/api/notifications/webhooks", null))).StatusCode);
        var unknown = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, "/api/notifications/webhooks", Admin,
            new { url = $"{_url}/hooks/x", eventTypes = new[] { "identity.account-signed-in" } }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("eventTypes", out _));
    }

    [Fact]
    public async Task A_name_that_resolves_into_a_forbidden_network_is_refused_when_connecting_not_only_when_registering()
    {
        // The fixture allows loopback (development); a production guard does not. The receiver must see nothing.
        var strict = new WebhookUrlGuard(Options.Create(new WebhookOptions { AllowLoopback = false }));
        var services = new ServiceCollection();
        services.AddSingleton(strict);
        services.AddSingleton(Options.Create(new WebhookOptions { AllowLoopback = false }));
        WebhookSender.AddClient(services);
        await using var provider = services.BuildServiceProvider();
        var box = fixture.Services.GetRequiredService<SealedBox>();
        var sender = new WebhookSender(provider.GetRequiredService<IHttpClientFactory>(), box, TimeProvider.System);
        var subscriptionId = Guid.NewGuid();
        var subscription = new WebhookSubscription
        {
            Id = subscriptionId, Url = $"{_url.Replace("127.0.0.1", "localhost")}/hooks/strict", EventTypes = ["triage.case-opened"], Active = true,
            Secret = box.Seal(Encoding.UTF8.GetBytes(WebhookSignature.NewSecret()), WebhookSender.SecretAssociatedData(subscriptionId)),
        };
        var outcome = await sender.SendAsync(subscription, new Delivery { Id = Guid.NewGuid(), Values = new() { ["payload"] = "{}" } }, CancellationToken.None);
        Assert.False(outcome.Success);
        Assert.False(outcome.Retryable);
        Assert.Contains("loopback", outcome.Reason);
        Assert.DoesNotContain(_received, r => r.Body == "{}");
    }

    private string Admin => fixture.Tokens.Person(Guid.NewGuid(), "admin");

    private async Task<(Guid Id, string Secret)> RegisterAsync(string url, string[] eventTypes)
    {
        var response = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, "/api/notifications/webhooks", Admin,
            new { url, eventTypes, description = "Test receiver" }));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("subscription").GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
    }
}

/// <summary>
/// A verifier written from the Standard Webhooks specification alone (not the service's code):
/// the signed content is <c>id.timestamp.body</c>, the key the base64 part of the <c>whsec_</c>
/// secret, the header a space-separated list of <c>v1,&lt;base64 HMAC-SHA256&gt;</c>; timestamps more
/// than five minutes away are refused.
/// </summary>
public static class StandardWebhooks
{
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300) return false;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(',', 2);
            if (parts.Length == 2 && parts[0] == "v1" && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(parts[1]), expected)) return true;
        }
        return false;
    }
}

/// <summary>The webhook address guard over the IANA special-purpose address registries (IPv4 and IPv6) and multicast.</summary>
public sealed class WebhookAddressTests
{
    private static readonly WebhookUrlGuard Strict = new(Options.Create(new WebhookOptions { AllowLoopback = false, AllowPrivateNetworks = false }));

    [Theory]
    [InlineData("0.0.0.1")] [InlineData("10.1.2.3")] [InlineData("100.64.0.1")] [InlineData("127.0.0.1")] [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")] [InlineData("192.0.0.8")] [InlineData("192.0.2.1")] [InlineData("192.88.99.1")] [InlineData("192.168.1.1")]
    [InlineData("198.18.0.1")] [InlineData("198.51.100.1")] [InlineData("203.0.113.1")] [InlineData("224.0.0.1")] [InlineData("240.0.0.1")] [InlineData("255.255.255.255")]
    [InlineData("::")] [InlineData("::1")] [InlineData("::ffff:127.0.0.1")] [InlineData("::ffff:0:7f00:1")] [InlineData("::ffff:0:10.0.0.1")] [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")] [InlineData("64:ff9b:1::a00:1")] [InlineData("100::1")] [InlineData("2001::1")] [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    [InlineData("2001:2::1")] [InlineData("2001:10::1")] [InlineData("2001:20::1")] [InlineData("2001:db8::1")] [InlineData("2002:7f00:1::1")] [InlineData("3fff::1")]
    [InlineData("5f00::1")] [InlineData("fc00::1")] [InlineData("fd12:3456::1")] [InlineData("fe80::1")] [InlineData("fec0::1")] [InlineData("ff02::1")]
    public void Special_purpose_and_internal_addresses_are_refused(string address)
    {
        Assert.False(Strict.Allows(System.Net.IPAddress.Parse(address)), address);
        var host = address.Contains(':') ? $"[{address}]" : address;
        Assert.NotNull(Strict.Problem($"https://{host}/hook"));
    }

    [Theory]
    [InlineData("8.8.8.8")] [InlineData("1.1.1.1")] [InlineData("192.31.196.1")] [InlineData("2606:4700:4700::1111")] [InlineData("2001:4860:4860::8888")] [InlineData("2a00:1450::1")]
    public void Public_unicast_addresses_are_allowed(string address)
    {
        Assert.True(Strict.Allows(System.Net.IPAddress.Parse(address)), address);
    }
}
