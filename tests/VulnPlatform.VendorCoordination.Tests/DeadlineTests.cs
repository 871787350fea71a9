using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Testing;
using VulnPlatform.VendorCoordination.Cases;

namespace VulnPlatform.VendorCoordination.Tests;

/// <summary>
/// A vendor's acknowledgement deadline with a clock the test moves and two instances of the service on
/// one database, both watching: the reminder after 5 business days and the escalation after 10 are
/// each recorded once; an acknowledgement stops both.
/// </summary>
public sealed class DeadlineTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero)); // a Monday
    private readonly TestTokens _tokens = new("https://localhost:8443/");
    private ServiceInstances<Program> _service = null!;

    private IReadOnlyList<WebApplicationFactory<Program>> Instances => _service.Instances;

    private TestServers Servers => _service.Servers;

    private IntakeContactServer _intake = null!;

    public async Task InitializeAsync()
    {
        _intake = await IntakeContactServer.StartAsync(_tokens, "coordination");
        _service = await ServiceInstances<Program>.StartAsync("coordination_deadline_test", 2, _clock, _tokens,
            new Dictionary<string, string>(_intake.Settings("Coordination:Client")) { ["Coordination:Deadlines:PollInterval"] = Watches.OnlyAtStart });
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _intake.DisposeAsync();
    }

    [Fact]
    public async Task An_unresponsive_vendor_is_reminded_then_escalated_once_each_and_acknowledging_stops_the_clock()
    {
        await using var unresponsive = await RawSubscriber.StartAsync(Servers, "VulnPlatform.Contracts.VendorCoordination:VendorUnresponsive");
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var registered = await SendAsync(HttpMethod.Post, "/api/coordination/vendors", coordinator, new
        {
            name = "Slow Vendor", products = new[] { new { name = "Camera" } }, securityContacts = new[] { "psirt@slow.example" },
        });
        var organisation = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(Servers, new ThirdPartyIdentified(reportId, reportId, "Slow Vendor", "Camera",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), _clock.GetUtcNow(), trackingNumber));
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        await SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });
        var vendor = _tokens.PersonWith(Guid.NewGuid(), [new Claim("vendor_org", organisation.ToString())], "vendor");
        // Not told yet: there is no case to acknowledge, as far as the vendor can tell.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/acknowledge", vendor)).StatusCode);
        var notified = await SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
            new { summary = "A stored XSS in the camera's admin page; details attached." });
        Assert.Equal(HttpStatusCode.OK, notified.StatusCode);

        // Mon 09:00 + 5 business days = next Mon 09:00: the reminder, once.
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await BothWatchAsync();
        Assert.Empty(await EventsAsync<VendorRemindedOfNotice>(reportId));
        _clock.Advance(TimeSpan.FromMinutes(2));
        await BothWatchAsync();
        await BothWatchAsync();
        Assert.Single(await EventsAsync<VendorRemindedOfNotice>(reportId));
        Assert.Empty(await EventsAsync<VendorEscalated>(reportId));

        // + 10 business days: escalated once; the case shows as overdue in the coordinator's queue.
        _clock.Advance(TimeSpan.FromDays(7));
        await BothWatchAsync();
        await BothWatchAsync();
        Assert.Single(await EventsAsync<VendorEscalated>(reportId));
        var overdue = await (await SendAsync(HttpMethod.Get, "/api/coordination/cases?overdue=true", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);
        await unresponsive.WaitForAsync(all => all.Any(m => m.Message.GetProperty("caseId").GetGuid() == reportId), TimeSpan.FromSeconds(30));

        // The vendor acknowledges: no deadline runs any more, and the case is no longer overdue.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/acknowledge", vendor)).StatusCode);
        var view = await (await SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(view.GetProperty("overdue").GetBoolean());
        // What still runs is the disclosure date proposed with the first notice, 90 days after it.
        Assert.Equal(view.GetProperty("disclosure").GetProperty("disclosureAt").GetDateTimeOffset(), view.GetProperty("nextDeadlineAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero).AddDays(90), view.GetProperty("disclosure").GetProperty("disclosureAt").GetDateTimeOffset());
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await Instances[0].Services.GetRequiredService<VendorDeadlineWatch>().RunOnceAsync(CancellationToken.None)); // no reminder again
    }

    [Fact]
    public async Task An_exploited_vulnerability_gets_an_early_date_a_vendor_asks_for_another_the_coordinator_decides_and_the_date_fires_once()
    {
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var registered = await SendAsync(HttpMethod.Post, "/api/coordination/vendors", coordinator, new
        {
            name = "Busy Vendor", products = new[] { new { name = "Mailer" } }, securityContacts = new[] { "psirt@busy.example" },
        });
        var organisation = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(Servers, new ThirdPartyIdentified(reportId, reportId, "Busy Vendor", "Mailer",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), _clock.GetUtcNow(), trackingNumber));
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        await SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });
        var notified = await (await SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
            new { summary = "Remote code execution in the mailer, exploited in the wild.", exploitedInTheWild = true })).Content.ReadFromJsonAsync<JsonElement>();
        var start = _clock.GetUtcNow();
        Assert.Equal(start.AddDays(7), notified.GetProperty("disclosure").GetProperty("disclosureAt").GetDateTimeOffset()); // not 90 days

        var vendor = _tokens.PersonWith(Guid.NewGuid(), [new Claim("vendor_org", organisation.ToString())], "vendor");
        var asked = await SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/disclosure-date-requests", vendor,
            new { disclosureAt = start.AddDays(30), reason = "Our release train leaves in four weeks." });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/disclosure-date-requests", vendor,
            new { disclosureAt = start.AddDays(-1), reason = "Yesterday." })).StatusCode);
        var pending = await (await SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Our release train leaves in four weeks.", Assert.Single(pending.GetProperty("disclosure").GetProperty("requests").EnumerateArray()).GetProperty("reason").GetString());

        var agreed = await (await SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/disclosure-date", coordinator,
            new { disclosureAt = start.AddDays(14) })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(agreed.GetProperty("disclosure").GetProperty("agreed").GetBoolean());
        Assert.Empty(agreed.GetProperty("disclosure").GetProperty("requests").EnumerateArray());
        var view = await (await SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", vendor)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(start.AddDays(14), view.GetProperty("disclosureAt").GetDateTimeOffset());

        _clock.Advance(TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1));
        await BothWatchAsync();
        Assert.Empty(await EventsAsync<DisclosureDateReached>(reportId));
        _clock.Advance(TimeSpan.FromMinutes(2));
        await BothWatchAsync();
        await BothWatchAsync();
        var reached = Assert.Single(await EventsAsync<DisclosureDateReached>(reportId));
        Assert.Equal(start.AddDays(14), reached.DisclosureAt);
    }

    private Task BothWatchAsync() =>
        Task.WhenAll(Instances.Select(i => i.Services.GetRequiredService<VendorDeadlineWatch>().RunOnceAsync(CancellationToken.None)));

    private async Task<List<T>> EventsAsync<T>(Guid caseId)
    {
        await using var session = Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(caseId)).Select(e => e.Data).OfType<T>().ToList();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var client = Instances[1].CreateClient();
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return await client.SendAsync(request);
    }
}
