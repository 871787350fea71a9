using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Identity;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.Testing;

namespace VulnPlatform.VendorCoordination.Tests;

/// <summary>
/// The anonymised relay as the coordinator runs it: messages both ways, held for review when the
/// coordinator asks, released or declined; only released messages leave the service.
/// </summary>
[Collection(CoordinationCollection.Name)]
public sealed class RelayTests(CoordinationFixture fixture)
{
    private static readonly string RelayedExchange = $"{typeof(VendorMessageRelayed).Namespace}:{nameof(VendorMessageRelayed)}";

    private async Task<(string TrackingNumber, Guid ReportId, Guid Organisation, string Coordinator)> NotifiedCaseAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coordinator = fixture.Coordinator();
        var registered = await fixture.SendAsync(HttpMethod.Post, "/api/coordination/vendors", coordinator, new
        {
            name = $"Relay{suffix}", products = new[] { new { name = $"Box{suffix}" } }, securityContacts = new[] { $"psirt@relay{suffix}.example" },
        });
        var organisation = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, $"Relay{suffix}", $"Box{suffix}",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow, trackingNumber));
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator,
            new { organisationId = organisation })).StatusCode);
        return (trackingNumber, reportId, organisation, coordinator);
    }

    [Fact]
    public async Task Held_messages_go_nowhere_until_the_coordinator_releases_them_and_declined_ones_never_go()
    {
        await using var relayed = await RawSubscriber.StartAsync(fixture.Servers, RelayedExchange);
        var (trackingNumber, reportId, organisation, coordinator) = await NotifiedCaseAsync();
        var vendor = fixture.VendorOf(organisation);

        // Before the notice the vendor cannot write to the reporter: the case does not exist for it yet.
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages", vendor,
            new { text = "Early question." })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
            new { summary = "Buffer overflow in the box's web server." })).StatusCode);

        // Without review a vendor's question goes straight on.
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages", vendor,
            new { text = "Which build did you test?" })).StatusCode);
        var first = await relayed.WaitForAsync(r => r.Any(m => Text(m) == "Which build did you test?"), TimeSpan.FromSeconds(30));
        var question = Assert.Single(first, m => Text(m) == "Which build did you test?").Message;
        Assert.Equal(VendorMessageRelayed.ToReporter, question.GetProperty("direction").GetString());
        Assert.Equal(organisation, question.GetProperty("organisationId").GetGuid());

        // The coordinator turns review on: both directions wait.
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Put, $"/api/coordination/cases/{trackingNumber}/relay-review", coordinator, new { hold = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages", vendor,
            new { text = "Please send us your exploit and your phone number." })).StatusCode);
        var answerId = Guid.CreateVersion7();
        await RawPublisher.PublishAsync(fixture.Servers, new ReporterMessagePosted(reportId, trackingNumber, answerId, "Build 7.1.2, default settings.", [],
            Actor.AnonymousReporter, DateTimeOffset.UtcNow, organisation));

        JsonElement c = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            c = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
            return c.GetProperty("heldMessages").GetInt32() == 2;
        }, TimeSpan.FromSeconds(30)), "the two messages were not held");
        var held = await (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/cases?held=true&pageSize=200", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(held.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);
        var messages = c.GetProperty("vendors")[0].GetProperty("messages").EnumerateArray().ToList();
        var vendorsHeld = messages.Single(m => m.GetProperty("text").GetString()!.StartsWith("Please send us")).GetProperty("id").GetGuid();

        // The vendor does not see the reporter's held answer; nothing held left the service.
        var view = await VendorViewAsync(trackingNumber, vendor);
        Assert.DoesNotContain("Build 7.1.2", view.ToString());
        Assert.Equal("held", view.GetProperty("entry").GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == vendorsHeld)
            .GetProperty("state").GetString());

        // Released: the reporter's answer reaches the vendor (as "the reporter"), once.
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/messages/{answerId}/release", coordinator)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/messages/{answerId}/release", coordinator)).StatusCode);
        await relayed.WaitForAsync(r => r.Any(m => Text(m) == "Build 7.1.2, default settings."), TimeSpan.FromSeconds(30));
        view = await VendorViewAsync(trackingNumber, vendor);
        var answer = view.GetProperty("entry").GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == answerId);
        Assert.Equal("reporter", answer.GetProperty("from").GetString());

        // Declined, with a reason the vendor sees; it never reaches the reporter.
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/messages/{vendorsHeld}/decline",
            coordinator, new { reason = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/messages/{vendorsHeld}/decline",
            coordinator, new { reason = "We do not pass on requests for the reporter's contact details." })).StatusCode);
        view = await VendorViewAsync(trackingNumber, vendor);
        var declined = view.GetProperty("entry").GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == vendorsHeld);
        Assert.Equal("declined", declined.GetProperty("state").GetString());
        Assert.StartsWith("We do not pass on", declined.GetProperty("reason").GetString());

        // The same reporter message delivered again changes nothing: once it is consumed, the case still has
        // it once, and the bus has carried exactly two relays.
        var again = Guid.NewGuid();
        using (var consumed = new ConsumedMessages())
        {
            await RawPublisher.PublishAsync(fixture.Servers, new ReporterMessagePosted(reportId, trackingNumber, answerId, "Build 7.1.2, default settings.", [],
                Actor.AnonymousReporter, DateTimeOffset.UtcNow, organisation), again);
            Assert.True(await consumed.WaitForAsync(again, "ReporterMessageConsumer", TimeSpan.FromSeconds(30)), "the repeat was not consumed");
        }
        c = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Single(c.GetProperty("vendors")[0].GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "Build 7.1.2, default settings.");
        await relayed.WaitForAsync(r => r.Count(m => m.Message.GetProperty("trackingNumber").GetString() == trackingNumber) >= 2, TimeSpan.FromSeconds(30));
        var all = relayed.Received.Where(m => m.Message.GetProperty("trackingNumber").GetString() == trackingNumber).ToList();
        Assert.Equal(new[] { "Which build did you test?", "Build 7.1.2, default settings." }, all.Select(m => Text(m) ?? "").ToArray());
        Assert.DoesNotContain(all, m => m.RawJson.Contains("phone number"));

        // Another organisation's vendor cannot write on this case; a message for a message id that does not exist is a 404.
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages",
            fixture.VendorOf(Guid.NewGuid()), new { text = "Hello?" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/messages/{Guid.NewGuid()}/release", coordinator)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages", vendor,
            new { text = "bidi \u202e text" })).StatusCode);
    }

    [Fact]
    public async Task The_directory_lists_the_vendor_accounts_identity_bound_to_the_organisation()
    {
        var (_, _, organisation, coordinator) = await NotifiedCaseAsync();
        var bound = Guid.NewGuid();
        var other = Guid.NewGuid();
        var admin = new Actor(ActorKinds.Staff, Guid.NewGuid().ToString());
        await RawPublisher.PublishAsync(fixture.Servers, new RoleGranted(bound, "vendor", organisation, admin, DateTimeOffset.UtcNow));
        await RawPublisher.PublishAsync(fixture.Servers, new RoleGranted(other, "vendor", organisation, admin, DateTimeOffset.UtcNow));
        await RawPublisher.PublishAsync(fixture.Servers, new RoleGranted(Guid.NewGuid(), "analyst", null, admin, DateTimeOffset.UtcNow));
        Assert.True(await Eventually.HoldsAsync(async () => (await AccountsAsync(organisation, coordinator)).Count == 2, TimeSpan.FromSeconds(30)));
        await RawPublisher.PublishAsync(fixture.Servers, new RoleRevoked(other, "vendor", admin, DateTimeOffset.UtcNow));
        Assert.True(await Eventually.HoldsAsync(async () => (await AccountsAsync(organisation, coordinator)).SequenceEqual([bound]), TimeSpan.FromSeconds(30)));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendors/{Guid.NewGuid()}/accounts", coordinator)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendors/{organisation}/accounts",
            fixture.VendorOf(organisation))).StatusCode);
    }

    private async Task<List<Guid>> AccountsAsync(Guid organisation, string coordinator)
    {
        var page = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendors/{organisation}/accounts", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }

    private async Task<JsonElement> VendorViewAsync(string trackingNumber, string vendor) =>
        await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", vendor)).Content.ReadFromJsonAsync<JsonElement>();

    private static string? Text(RawMessage m) => m.Message.GetProperty("text").GetString();
}
