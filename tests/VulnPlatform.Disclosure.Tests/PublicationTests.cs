using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.Disclosure.Publication;
using VulnPlatform.Testing;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>
/// Coordinated publication with two instances on one database and a clock the test moves: a case's
/// advisories drafted from the platform's events, scheduled in a time zone whose clocks change before
/// the day, invisible everywhere until the instant and all there at it, recorded once; revised after;
/// and a restart that spans the instant catches up.
/// </summary>
public sealed class PublicationTests : IAsyncLifetime
{
    // 2026-10-20 is summer time in Berlin (UTC+2); 2026-11-02 10:00 there is winter time (UTC+1), i.e. 09:00 UTC.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 10, 20, 12, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset Instant = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TestTokens _tokens = new("https://localhost:8443/");
    private ServiceInstances<Program> _service = null!;
    private IntakeContactServer _intake = null!;

    public async Task InitializeAsync()
    {
        _intake = await IntakeContactServer.StartAsync(_tokens, "disclosure");
        _service = await ServiceInstances<Program>.StartAsync("disclosure_publication_test", 2, _clock, _tokens,
            new Dictionary<string, string>(DisclosureSettings.With(_intake)) { ["Disclosure:Publication:PollInterval"] = Watches.OnlyAtStart, ["PublicOrigin"] = "https://security.example.com" });
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _intake.DisposeAsync();
    }

    private static readonly string[] SetUrls =
    [
        "/advisories", "/advisories/feed.atom", "/acknowledgments", "/.well-known/csaf/white/index.txt", "/.well-known/csaf/white/changes.csv",
        "/.well-known/csaf/white/", "/.well-known/csaf/provider-metadata.json",
    ];

    private static string[] AdvisoryUrls(string publicId) =>
    [
        $"/advisories/{publicId}", $"/advisories/{publicId}.json", $"/.well-known/csaf/white/2026/{publicId.ToLowerInvariant()}.json",
        $"/.well-known/csaf/white/2026/{publicId.ToLowerInvariant()}.json.sha256", $"/.well-known/csaf/white/2026/{publicId.ToLowerInvariant()}.json.sha512",
        "/.well-known/csaf/white/2026/",
    ];

    [Fact]
    public async Task A_case_s_advisories_appear_together_exactly_at_the_instant_and_are_recorded_once()
    {
        await using var published = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:AdvisoriesPublished");
        await using var preNotified = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:CustomersPreNotified");
        var (trackingNumber, organisation) = await CaseAsync(publicCredit: true);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var customer = await SendAsync(HttpMethod.Post, "/api/advisories/customers", coordinator,
            new { organisation = "Big Customer", name = "Ops Lead", email = "ops@customer.example", language = "zh-CN" });
        Assert.Equal(HttpStatusCode.Created, customer.StatusCode);
        var customerId = (await customer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/api/advisories/customers", coordinator,
            new { organisation = "Bad", email = "not an address" })).StatusCode);
        var own = await DraftAsync(coordinator, new { trackingNumber });
        var vendors = await DraftAsync(coordinator, new { trackingNumber, organisationId = organisation });
        Assert.Equal("Fang Credit", own.GetProperty("content").GetProperty("credit").GetString());
        Assert.Equal("known_affected", vendors.GetProperty("content").GetProperty("products")[0].GetProperty("status").GetString());
        Assert.Equal("3.0.1", vendors.GetProperty("content").GetProperty("products")[0].GetProperty("fixedVersion").GetString());
        var ids = new[] { own.GetProperty("publicId").GetString()!, vendors.GetProperty("publicId").GetString()! };
        // Another researcher reported the same vulnerability; Triage closed theirs as a duplicate: they are told at disclosure too.
        var duplicate = Guid.CreateVersion7();
        await RawPublisher.PublishAsync(_service.Servers, new CaseRejected(duplicate, duplicate, "VR-2026-000777", "duplicate", "Reported before by someone else.",
            trackingNumber, new Actor(ActorKinds.Staff, "a"), _clock.GetUtcNow()));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            return (await session.LoadAsync<Facts.CaseFacts>(duplicate))?.DuplicateOf == trackingNumber;
        }, TimeSpan.FromSeconds(30)), "the duplicate did not reach Disclosure");

        // Coordinators preview the page and the CSAF document before anything is public.
        var preview = await SendAsync(HttpMethod.Get, $"/api/advisories/{ids[0]}/preview/html?lang=zh-CN", coordinator);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("受影响的产品", await preview.Content.ReadAsStringAsync());
        await CsafTests.AssertValidAsync(await (await SendAsync(HttpMethod.Get, $"/api/advisories/{ids[0]}/preview/csaf", coordinator)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, $"/api/advisories/{ids[0]}/preview/html", null)).StatusCode);

        // Berlin's clocks go back between now and the day: 10:00 on 2 November is 09:00 UTC.
        var scheduled = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "10:00", timeZone = "Europe/Berlin" });
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        var time = (await scheduled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("time");
        Assert.Equal(Instant, time.GetProperty("instant").GetDateTimeOffset());
        Assert.Equal("2026-11-02T10:00+01:00", time.GetProperty("localTime").GetString());

        // Three days before (the lead time), the customer contacts get the embargoed pre-notice, once; nothing is public.
        _clock.SetUtcNow(Instant.AddDays(-3).AddMilliseconds(-1));
        Assert.Equal(0, (await Task.WhenAll(_service.Instances.Select(WatchAsync))).Sum());
        _clock.SetUtcNow(Instant.AddDays(-3));
        Assert.Equal(1, (await Task.WhenAll(_service.Instances.Select(WatchAsync))).Sum());
        await preNotified.WaitForAsync(r => r.Count > 0, TimeSpan.FromSeconds(30));
        var preNotice = Assert.Single(preNotified.Received.DistinctBy(m => m.MessageId)).Message;
        Assert.Equal(customerId, preNotice.GetProperty("customerContactIds")[0].GetGuid());
        Assert.Equal(Instant, preNotice.GetProperty("publishAt").GetDateTimeOffset());
        Assert.DoesNotContain("ops@customer.example", preNotified.Received.First().RawJson);
        Assert.Equal(HttpStatusCode.NotFound, (await _service.Instances[0].CreateClient().GetAsync($"/advisories/{ids[0]}")).StatusCode);

        // A millisecond before: nothing of it anywhere, on either instance.
        _clock.SetUtcNow(Instant.AddMilliseconds(-1));
        foreach (var instance in _service.Instances)
        {
            foreach (var id in ids)
            {
                foreach (var url in AdvisoryUrls(id)) Assert.Equal(HttpStatusCode.NotFound, (await instance.CreateClient().GetAsync(url)).StatusCode);
            }
            foreach (var url in SetUrls)
            {
                var body = await (await instance.CreateClient().GetAsync(url)).Content.ReadAsStringAsync();
                Assert.DoesNotContain(ids[0], body, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(ids[1], body, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Fang Credit", body);
                Assert.DoesNotContain("Path traversal", body);
            }
        }
        // Inside the final-check lead the watch checks the texts for the reporter's identity once more (found nothing: recorded once).
        Assert.Equal(1, (await Task.WhenAll(_service.Instances.Select(WatchAsync))).Sum());
        Assert.Equal(0, await WatchAsync(_service.Instances[0]));

        // At the instant: every advisory of the set, on both instances, in every list.
        _clock.SetUtcNow(Instant);
        foreach (var instance in _service.Instances)
        {
            foreach (var id in ids)
            {
                foreach (var url in AdvisoryUrls(id)) Assert.Equal(HttpStatusCode.OK, (await instance.CreateClient().GetAsync(url)).StatusCode);
            }
            var index = await instance.CreateClient().GetStringAsync("/.well-known/csaf/white/index.txt");
            Assert.Equal([.. ids.Select(i => $"2026/{i.ToLowerInvariant()}.json").Order()], index.Trim().Split('\n').Order().ToArray());
            Assert.Contains("Fang Credit", await instance.CreateClient().GetStringAsync("/acknowledgments"));
        }
        var csaf = await _service.Instances[1].CreateClient().GetStringAsync($"/.well-known/csaf/white/2026/{ids[0].ToLowerInvariant()}.json");
        var sha256 = await _service.Instances[0].CreateClient().GetStringAsync($"/.well-known/csaf/white/2026/{ids[0].ToLowerInvariant()}.json.sha256");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(csaf))), sha256.Split(' ')[0]);
        await CsafTests.AssertValidAsync(csaf);
        var page = await _service.Instances[0].CreateClient().GetAsync($"/advisories/{ids[0]}?lang=zh-CN");
        Assert.Contains("受影响的产品", await page.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());

        // Both instances watch at once: the publication is recorded (and announced) once.
        var rounds = await Task.WhenAll(_service.Instances.Select(WatchAsync));
        Assert.Equal(1, rounds.Sum());
        Assert.Equal(0, await WatchAsync(_service.Instances[0]));
        var announced = await published.WaitForAsync(r => r.Count > 0, TimeSpan.FromSeconds(30));
        // Delivery is at least once (a relay may repeat a message after a takeover, with its id): the store
        // holds one publication, and what a subscriber got carries that one's id.
        var announcement = published.Received.First().Message;
        Guid recorded;
        await using (var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var setId = announcement.GetProperty("reportId").GetGuid();
            recorded = Assert.Single(await session.Events.QueryAllRawEvents().Where(e => e.StreamId == setId && e.EventTypeName == "set_published").ToListAsync()).Id;
        }
        Assert.Equal(recorded, Assert.Single(published.Received.DistinctBy(m => m.MessageId)).MessageId);
        Assert.Equal(2, announcement.GetProperty("advisories").GetArrayLength());
        Assert.Equal("Fang Credit", announcement.GetProperty("credit").GetString());
        Assert.Equal(duplicate, Assert.Single(announcement.GetProperty("duplicateReports").EnumerateArray()).GetProperty("reportId").GetGuid());

        // Past the instant the date cannot move; a public advisory is revised with a summary, never silently.
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-12-01", time = "10:00", timeZone = "Europe/Berlin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Delete, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator)).StatusCode);
        var content = own.GetProperty("content");
        var edit = new Dictionary<string, object?>
        {
            ["title"] = content.GetProperty("title").GetString(), ["summary"] = content.GetProperty("summary").GetString() + " Exploitation needs a malicious update server.",
            ["products"] = JsonSerializer.Deserialize<object>(content.GetProperty("products").GetRawText()), ["cveIds"] = new[] { "CVE-2026-40001" },
            ["credit"] = "Fang Credit",
        };
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"/api/advisories/{ids[0]}", coordinator, edit)).StatusCode);
        _clock.Advance(TimeSpan.FromDays(1));
        edit["changeSummary"] = "Added the CVE id and the attack's precondition.";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{ids[0]}", coordinator, edit)).StatusCode);
        var revised = await _service.Instances[1].CreateClient().GetStringAsync($"/.well-known/csaf/white/2026/{ids[0].ToLowerInvariant()}.json");
        Assert.Contains("CVE-2026-40001", revised);
        Assert.Contains("Added the CVE id", revised);
        await CsafTests.AssertValidAsync(revised);
        Assert.Contains("(revision 2)", await _service.Instances[0].CreateClient().GetStringAsync("/advisories/feed.atom"));
        // Another advisory cannot take the same CVE id.
        edit["changeSummary"] = "Same CVE.";
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Put, $"/api/advisories/{ids[1]}", coordinator, edit)).StatusCode);
    }

    [Fact]
    public async Task A_restart_spanning_the_instant_catches_up_and_the_credit_follows_the_reporter_s_consent()
    {
        await using var published = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:AdvisoriesPublished");
        var (trackingNumber, _) = await CaseAsync(publicCredit: true);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var id = (await DraftAsync(coordinator, new { trackingNumber })).GetProperty("publicId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);
        // The reporter withdraws their public-credit consent before the day: the credit goes.
        var reportId = (await (await SendAsync(HttpMethod.Get, $"/api/advisories/{id}", coordinator)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("setId").GetGuid();
        await RawPublisher.PublishAsync(_service.Servers, new ReporterConsentChanged(reportId, trackingNumber, false, false, null, Actor.AnonymousReporter, _clock.GetUtcNow()));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            return (await session.LoadAsync<PublicAdvisory>((await session.Query<PublicAdvisory>().FirstAsync(p => p.PublicId == id)).Id))!.Content.Credit is null;
        }, TimeSpan.FromSeconds(30)), "the withdrawn credit stayed in the prepared advisory");

        // Every instance stops before the instant; one starts after it.
        foreach (var instance in _service.Instances) await instance.DisposeAsync();
        _clock.SetUtcNow(Instant.AddMinutes(5));
        var restarted = await _service.StartAnotherAsync();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(published.Received.Count > 0), TimeSpan.FromSeconds(30)),
            "the publication was not recorded after the restart");
        Assert.Equal(0, await WatchAsync(restarted));
        var page = await restarted.CreateClient().GetStringAsync($"/advisories/{id}");
        Assert.DoesNotContain("Fang Credit", page);
        Assert.DoesNotContain("Fang Credit", await restarted.CreateClient().GetStringAsync("/acknowledgments"));
        Assert.Equal(JsonValueKind.Null, Assert.Single(published.Received.DistinctBy(m => m.MessageId)).Message.GetProperty("credit").ValueKind);
    }

    [Fact]
    public async Task Bad_schedules_and_credits_without_consent_are_refused_and_change_nothing()
    {
        var (trackingNumber, _) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber });
        Assert.Equal(JsonValueKind.Null, draft.GetProperty("content").GetProperty("credit").ValueKind);
        var id = draft.GetProperty("publicId").GetString()!;
        foreach (var body in new object[]
        {
            new { date = "2027-03-28", time = "02:30", timeZone = "Europe/Berlin" }, // skipped by the clocks
            new { date = "2026-10-25", time = "02:30", timeZone = "Europe/Berlin" }, // happens twice, no offset
            new { date = "2026-10-01", time = "09:00", timeZone = "UTC" },           // passed
            new { date = "2026-13-01", time = "09:00", timeZone = "UTC" },
            new { date = "2026-12-01", time = "09:00", timeZone = "Mars/Olympus" },
            new { date = "2026-12-01", time = "9am", timeZone = "UTC" },
        })
        {
            var refused = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        var twice = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-10-25", time = "02:30", timeZone = "Europe/Berlin", offset = "+01:00" });
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero),
            (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("time").GetProperty("instant").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator)).StatusCode);
        _clock.SetUtcNow(new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.NotFound, (await _service.Instances[0].CreateClient().GetAsync($"/advisories/{id}")).StatusCode);

        var content = draft.GetProperty("content");
        var credited = await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, new
        {
            title = content.GetProperty("title").GetString(), summary = content.GetProperty("summary").GetString(), products = Array.Empty<object>(),
            credit = "Somebody",
        });
        Assert.Equal(HttpStatusCode.BadRequest, credited.StatusCode);
        Assert.Contains("credit", await credited.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/api/advisories", _tokens.Person(Guid.NewGuid(), "analyst"), new { trackingNumber })).StatusCode);
        // Without a CVE Services account, CVE ids are typed in: reserving one is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"/api/advisories/{id}/cve-ids", coordinator)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, $"/api/advisories/{id}", null)).StatusCode);
    }

    [Fact]
    public async Task Advisory_texts_that_name_the_reporter_without_consent_are_not_scheduled_and_not_revised_in()
    {
        var (trackingNumber, _) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber });
        var id = draft.GetProperty("publicId").GetString()!;
        _intake.Contacts[draft.GetProperty("setId").GetGuid()] = ("Wang Fang Researcher", "wang.fang@example.org");
        var content = draft.GetProperty("content");
        object Edit(string summary, string? change = null) => new
        {
            title = content.GetProperty("title").GetString(), summary, products = JsonSerializer.Deserialize<object>(content.GetProperty("products").GetRawText()),
            changeSummary = change,
        };
        var schedule = new { date = "2026-11-02", time = "09:00", timeZone = "UTC" };

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, Edit("Found by Wang Fang Researcher: the updater writes anywhere."))).StatusCode);
        var refused = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, schedule);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("reporter's name", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Wang Fang", await refused.Content.ReadAsStringAsync());
        var unscheduled = await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, unscheduled.GetProperty("time").ValueKind); // nothing was scheduled

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, Edit("The updater writes anywhere."))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, schedule)).StatusCode);
        // Once scheduled, a revision that would add their address is refused too.
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator,
            Edit("The updater writes anywhere. Contact wang.fang@example.org for details."))).StatusCode);
        Assert.DoesNotContain("wang.fang", (await (await SendAsync(HttpMethod.Get, $"/api/advisories/{id}", coordinator)).Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// The reporter allowed public credit and the summary thanks them by name; after the watch's last check
    /// they withdraw it. The watch checks again, holds the set back (schedule cancelled, nothing public at
    /// the instant) and the coordinators are told why — without the name.
    /// </summary>
    [Fact]
    public async Task A_consent_withdrawn_after_the_last_check_holds_the_publication_back()
    {
        await using var held = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:AdvisoryPublicationHeld");
        await using var rescheduled = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:AdvisoriesRescheduled");
        var (trackingNumber, _) = await CaseAsync(publicCredit: true);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber });
        var id = draft.GetProperty("publicId").GetString()!;
        var setId = draft.GetProperty("setId").GetGuid();
        _intake.Contacts[setId] = ("Fang Credit", "fang@example.org");
        var content = draft.GetProperty("content");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, new
        {
            title = content.GetProperty("title").GetString(), summary = "The updater writes anywhere. Thanks to Fang  Credit for the report.",
            products = JsonSerializer.Deserialize<object>(content.GetProperty("products").GetRawText()), credit = "Fang Credit",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);
        _clock.SetUtcNow(Instant.AddMinutes(-5));
        Assert.Equal(2, await WatchAsync(_service.Instances[0])); // the last check, passed (they allow their name), and the customers' pre-notice
        Assert.Equal(0, await WatchAsync(_service.Instances[1]));

        await RawPublisher.PublishAsync(_service.Servers, new ReporterConsentChanged(setId, trackingNumber, false, false, null, Actor.AnonymousReporter, _clock.GetUtcNow()));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            return (await session.LoadAsync<DisclosureSet>(setId))?.CheckedFor is null;
        }, TimeSpan.FromSeconds(30)), "the consent change did not call for another check");
        Assert.Equal(2, (await Task.WhenAll(_service.Instances.Select(WatchAsync))).Sum()); // cancelled and held, once

        var set = await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, set.GetProperty("time").ValueKind);
        Assert.Contains("reporter's name", set.GetProperty("heldReason").GetString());
        _clock.SetUtcNow(Instant.AddMinutes(1));
        Assert.Equal(0, await WatchAsync(_service.Instances[0]));
        foreach (var url in AdvisoryUrls(id)) Assert.Equal(HttpStatusCode.NotFound, (await _service.Instances[1].CreateClient().GetAsync(url)).StatusCode);
        Assert.DoesNotContain("Fang", await _service.Instances[0].CreateClient().GetStringAsync("/advisories/feed.atom"));

        var message = (await held.WaitForAsync(r => r.Count > 0, TimeSpan.FromSeconds(30))).First();
        Assert.Equal("name", message.Message.GetProperty("reason").GetString());
        Assert.Equal(Instant, message.Message.GetProperty("publishAt").GetDateTimeOffset());
        Assert.DoesNotContain("Fang", message.RawJson);
        var cancelled = await rescheduled.WaitForAsync(r => r.Any(m => m.Message.GetProperty("trackingNumber").GetString() == trackingNumber), TimeSpan.FromSeconds(30));
        Assert.Contains(cancelled, m => m.Message.GetProperty("trackingNumber").GetString() == trackingNumber && m.Message.GetProperty("publishAt").ValueKind == JsonValueKind.Null);

        // Scheduled again (the coordinator took the name out): the reason goes.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, new
        {
            title = content.GetProperty("title").GetString(), summary = "The updater writes anywhere.",
            products = JsonSerializer.Deserialize<object>(content.GetProperty("products").GetRawText()),
        })).StatusCode);
        var again = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, new { date = "2026-11-09", time = "09:00", timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("heldReason").ValueKind);
    }

    /// <summary>
    /// An instant before the date agreed with the vendor is refused with the concern named; confirmed with a
    /// reason it is scheduled, the override is kept with the set and the vendors are told (the reason is
    /// checked for the reporter's identity like every text that leaves).
    /// </summary>
    [Fact]
    public async Task An_instant_the_coordination_has_not_agreed_to_needs_a_confirmed_reason()
    {
        await using var overridden = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:AdvisoryScheduleOverridden");
        var (trackingNumber, organisation) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber });
        var setId = draft.GetProperty("setId").GetGuid();
        _intake.Contacts[setId] = ("Wang Fang Researcher", "wang.fang@example.org");
        var agreed = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        await RawPublisher.PublishAsync(_service.Servers, new DisclosureDateAgreed(setId, setId, trackingNumber, agreed, new Actor(ActorKinds.Staff, "c"), _clock.GetUtcNow()));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            return (await session.LoadAsync<Facts.CaseFacts>(setId))?.AgreedDisclosureAt == agreed;
        }, TimeSpan.FromSeconds(30)), "the agreed date did not reach Disclosure");
        var set = await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(agreed, set.GetProperty("agreedDisclosureAt").GetDateTimeOffset()); // what the console's form starts from

        foreach (var reason in new string?[] { null, "   " })
        {
            var refused = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
                new { date = "2026-11-02", time = "10:00", timeZone = "Europe/Berlin", overrideReason = reason });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("before-agreed-date", Assert.Single(problem.GetProperty("concerns").EnumerateArray()).GetProperty("code").GetString());
            Assert.Contains("2026-11-20 09:00 UTC", problem.GetProperty("detail").GetString());
            Assert.Equal(Instant, problem.GetProperty("instant").GetDateTimeOffset());
        }
        Assert.Equal(JsonValueKind.Null, (await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content
            .ReadFromJsonAsync<JsonElement>()).GetProperty("time").ValueKind);
        var naming = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "10:00", timeZone = "Europe/Berlin", overrideReason = "Wang Fang Researcher is presenting it at a conference." });
        Assert.Equal(HttpStatusCode.Conflict, naming.StatusCode);
        Assert.Contains("reporter's name", await naming.Content.ReadAsStringAsync());

        const string why = "Exploited in the wild since Friday; the fix is out.";
        var scheduled = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "10:00", timeZone = "Europe/Berlin", overrideReason = why });
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        var view = await scheduled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Instant, view.GetProperty("time").GetProperty("instant").GetDateTimeOffset());
        var kept = Assert.Single(view.GetProperty("overrides").EnumerateArray());
        Assert.Equal(why, kept.GetProperty("reason").GetString());
        Assert.Equal("before-agreed-date", Assert.Single(kept.GetProperty("concerns").EnumerateArray()).GetProperty("code").GetString());

        var told = (await overridden.WaitForAsync(r => r.Count > 0, TimeSpan.FromSeconds(30))).First().Message;
        Assert.Equal(why, told.GetProperty("reason").GetString());
        Assert.Equal(organisation, Assert.Single(told.GetProperty("vendorOrganisationIds").EnumerateArray()).GetGuid());
        Assert.Equal(["before-agreed-date"], told.GetProperty("concerns").EnumerateArray().Select(c => c.GetString()));

        // On or after the agreed date nothing needs confirming (the vendor acknowledged by giving its final status).
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-20", time = "09:00", timeZone = "UTC" })).StatusCode);
    }

    /// <summary>
    /// The vendor fixes it again in 3.0.2 and posts a statement after the advisory was drafted and scheduled:
    /// the advisory follows (the coordinator's package URL kept), goes public saying so, and once public a
    /// vendor's change no longer alters it silently.
    /// </summary>
    [Fact]
    public async Task An_unpublished_advisory_follows_the_vendor_and_a_public_one_is_not_changed_silently()
    {
        var (trackingNumber, organisation) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber });
        var id = draft.GetProperty("publicId").GetString()!;
        var setId = draft.GetProperty("setId").GetGuid();
        var content = draft.GetProperty("content");
        var product = content.GetProperty("products")[0];
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, new
        {
            title = content.GetProperty("title").GetString(), summary = content.GetProperty("summary").GetString(),
            products = new[] { new { vendor = product.GetProperty("vendor").GetString(), product = product.GetProperty("product").GetString(), versions = "3.0",
                status = "known_affected", fixedVersion = "3.0.1", purl = "pkg:generic/maker/updater" } },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);

        var staff = new Actor(ActorKinds.Staff, Guid.NewGuid().ToString());
        await RawPublisher.PublishAsync(_service.Servers, new VendorStatusChanged(setId, setId, trackingNumber, organisation, "fixed", null, "3.0.2", staff, _clock.GetUtcNow()));
        await RawPublisher.PublishAsync(_service.Servers, new VendorStatementPosted(setId, setId, trackingNumber, organisation, "3.0.1 was incomplete; upgrade to 3.0.2.", staff, _clock.GetUtcNow()));
        JsonElement followed = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            followed = await (await SendAsync(HttpMethod.Get, $"/api/advisories/{id}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
            var c = followed.GetProperty("content");
            return c.GetProperty("products")[0].GetProperty("fixedVersion").GetString() == "3.0.2"
                && c.GetProperty("statements").EnumerateArray().Any(s => s.GetProperty("text").GetString()!.Contains("3.0.1 was incomplete"));
        }, TimeSpan.FromSeconds(30)), "the draft did not follow the vendor");
        var followedProduct = followed.GetProperty("content").GetProperty("products")[0];
        Assert.Equal("pkg:generic/maker/updater", followedProduct.GetProperty("purl").GetString());
        Assert.Equal("3.0", followedProduct.GetProperty("versions").GetString());
        Assert.Contains(followed.GetProperty("revisions").EnumerateArray(), r => r.GetProperty("changeSummary").GetString()!.StartsWith("Follows Maker: fixed in 3.0.2", StringComparison.Ordinal));

        _clock.SetUtcNow(Instant);
        await WatchAsync(_service.Instances[0]);
        var published = await _service.Instances[1].CreateClient().GetStringAsync($"/advisories/{id}.json");
        Assert.Contains("3.0.2", published);
        Assert.Contains("3.0.1 was incomplete", published);
        Assert.Contains("3.0.2", await _service.Instances[0].CreateClient().GetStringAsync($"/.well-known/csaf/white/2026/{id.ToLowerInvariant()}.json"));

        // Public now: the vendor's next change is recorded in the case's facts, and the advisory waits for a coordinator's revision.
        await RawPublisher.PublishAsync(_service.Servers, new VendorStatusChanged(setId, setId, trackingNumber, organisation, "fixed", null, "3.0.3", staff, _clock.GetUtcNow()));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            return (await session.LoadAsync<Facts.CaseFacts>(setId))!.Vendors.Single().FixedVersion == "3.0.3";
        }, TimeSpan.FromSeconds(30)), "the vendor's change did not reach Disclosure");
        var after = await (await SendAsync(HttpMethod.Get, $"/api/advisories/{id}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("3.0.2", after.GetProperty("content").GetProperty("products")[0].GetProperty("fixedVersion").GetString());
        Assert.DoesNotContain("3.0.3", await _service.Instances[1].CreateClient().GetStringAsync($"/advisories/{id}.json"));
    }

    /// <summary>Intake cannot be asked: the watch waits and asks again while there is time, and holds the set back just before the instant rather than publish unchecked.</summary>
    [Fact]
    public async Task An_identity_that_cannot_be_checked_before_the_instant_is_not_published()
    {
        await using var held = await RawSubscriber.StartAsync(_service.Servers, "VulnPlatform.Contracts.Disclosure:AdvisoryPublicationHeld");
        var (trackingNumber, _) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var id = (await DraftAsync(coordinator, new { trackingNumber })).GetProperty("publicId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);
        _intake.Unavailable = true;
        try
        {
            _clock.SetUtcNow(Instant.AddMinutes(-4));
            Assert.Equal(0, await WatchAsync(_service.Instances[0])); // time left: asked again next round
            var set = await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Instant, set.GetProperty("time").GetProperty("instant").GetDateTimeOffset());
            _clock.SetUtcNow(Instant.AddSeconds(-20));
            Assert.Equal(2, await WatchAsync(_service.Instances[0]));
        }
        finally
        {
            _intake.Unavailable = false;
        }
        _clock.SetUtcNow(Instant);
        Assert.Equal(HttpStatusCode.NotFound, (await _service.Instances[1].CreateClient().GetAsync($"/advisories/{id}")).StatusCode);
        var message = await held.WaitForAsync(r => r.Any(m => m.Message.GetProperty("trackingNumber").GetString() == trackingNumber), TimeSpan.FromSeconds(30));
        Assert.Contains(message, m => m.Message.GetProperty("reason").GetString() == "unchecked");
    }

    /// <summary>
    /// A revision (and a CVE id, a draft) racing a cancellation or a move, on two instances: the public
    /// records always follow the schedule as it ends up — none after a cancellation, the new instant after a move.
    /// </summary>
    [Theory]
    [InlineData("cancel")]
    [InlineData("move")]
    public async Task A_revision_racing_a_cancellation_or_a_move_never_leaves_a_public_record_at_the_old_instant(string change)
    {
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var moved = Instant.AddDays(7);
        for (var round = 0; round < 12; round++)
        {
            var (trackingNumber, _) = await CaseAsync(publicCredit: false);
            var draft = await DraftAsync(coordinator, new { trackingNumber });
            var id = draft.GetProperty("publicId").GetString()!;
            var setId = draft.GetProperty("setId").GetGuid();
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
                new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);
            var content = draft.GetProperty("content");
            var revisions = Enumerable.Range(0, 3).Select(i => SendToAsync(i % 2, HttpMethod.Put, $"/api/advisories/{id}", coordinator, new
            {
                title = content.GetProperty("title").GetString(), summary = $"{content.GetProperty("summary").GetString()} Revision {i}.",
                products = JsonSerializer.Deserialize<object>(content.GetProperty("products").GetRawText()),
            }));
            var schedule = change == "cancel"
                ? SendToAsync(1, HttpMethod.Delete, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator)
                : SendToAsync(1, HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, new { date = "2026-11-09", time = "09:00", timeZone = "UTC" });
            var answers = await Task.WhenAll([schedule, .. revisions]);
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            var records = await session.Query<PublicAdvisory>().Where(p => p.SetId == setId).ToListAsync();
            if (change == "cancel") Assert.True(records.Count == 0, $"round {round}: a cancelled set has public records at {string.Join(", ", records.Select(r => r.VisibleFrom))}");
            else Assert.True(records.Count == 1 && records[0].VisibleFrom == moved, $"round {round}: public records at {string.Join(", ", records.Select(r => r.VisibleFrom))}, the set moved to {moved}");
        }
    }

    private async Task<HttpResponseMessage> SendToAsync(int instance, HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return await _service.Instances[instance].CreateClient().SendAsync(request);
    }

    /// <summary>
    /// The identity guard over every field of every public output, disguises included: a scheduled advisory's
    /// references, CWE name, statements' vendor, fixed version and package URL; a draft added to a scheduled
    /// set (drafts start from the reporter's own description); a public revision's change summary.
    /// </summary>
    [Fact]
    public async Task No_public_field_and_no_change_summary_may_name_the_reporter_without_consent()
    {
        var (trackingNumber, _) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber });
        var id = draft.GetProperty("publicId").GetString()!;
        var setId = draft.GetProperty("setId").GetGuid();
        _intake.Contacts[setId] = ("Wang Fang Researcher", "wang.fang@example.org");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator,
            new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);
        var content = draft.GetProperty("content");
        Dictionary<string, object?> Edit() => new()
        {
            ["title"] = content.GetProperty("title").GetString(), ["summary"] = content.GetProperty("summary").GetString(),
            ["products"] = JsonSerializer.Deserialize<List<Dictionary<string, object?>>>(content.GetProperty("products").GetRawText()),
        };
        var edits = new List<Dictionary<string, object?>>();
        var e = Edit(); e["references"] = new[] { "https://blog.example/thanks/wang.fang@example.org" }; edits.Add(e);
        e = Edit(); e["references"] = new[] { "https://blog.example/wang-fang-researcher" }; edits.Add(e);
        e = Edit(); e["cwe"] = "CWE-22"; e["cweName"] = "Path traversal, found by Researcher, Wang Fang"; edits.Add(e);
        e = Edit(); e["statements"] = new[] { new { vendor = "wang.fang (at) example (dot) org", text = "Fixed." } }; edits.Add(e);
        e = Edit(); ((List<Dictionary<string, object?>>)e["products"]!)[0]["fixedVersion"] = "3.0.1-wang.fang＠example.org"; edits.Add(e);
        e = Edit(); ((List<Dictionary<string, object?>>)e["products"]!)[0]["purl"] = "pkg:npm/wang.fang%40example.org"; edits.Add(e);
        foreach (var edit in edits)
        {
            var refused = await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, edit);
            Assert.True(refused.StatusCode == HttpStatusCode.Conflict, $"{JsonSerializer.Serialize(edit)} was not refused: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
        }

        // A second case whose description names its reporter: its draft cannot join a scheduled set without an edit.
        var (named, _) = await CaseAsync(publicCredit: false, description: "Found by W a n g  F a n g Researcher while testing.");
        var first = await DraftAsync(coordinator, new { trackingNumber = named });
        _intake.Contacts[first.GetProperty("setId").GetGuid()] = ("Wang Fang Researcher", "wang.fang@example.org");
        var firstContent = first.GetProperty("content");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{first.GetProperty("publicId").GetString()}", coordinator, new
        {
            title = firstContent.GetProperty("title").GetString(), summary = "The updater writes outside its directory.",
            products = JsonSerializer.Deserialize<object>(firstContent.GetProperty("products").GetRawText()),
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{named}/schedule", coordinator,
            new { date = "2026-11-02", time = "09:00", timeZone = "UTC" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, "/api/advisories", coordinator, new { trackingNumber = named })).StatusCode);

        // Public: a revision's change summary goes into the revision history, the CSAF document and the feed.
        _clock.SetUtcNow(Instant.AddMinutes(1));
        await WatchAsync(_service.Instances[0]);
        var revision = Edit();
        revision["changeSummary"] = "Credit to Wang Fang Researcher for the report.";
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, revision)).StatusCode);
        revision["changeSummary"] = "Added the fixed version.";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, revision)).StatusCode);
        Assert.DoesNotContain("Wang", await _service.Instances[0].CreateClient().GetStringAsync("/advisories/feed.atom"));
    }

    /// <summary>A vulnerability report as the bus tells Disclosure about it: submitted, scored, credited, a vendor notified that fixed it.</summary>
    private async Task<(string TrackingNumber, Guid Organisation)> CaseAsync(bool publicCredit, string description = "The updater writes outside its directory.")
    {
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        var organisation = Guid.NewGuid();
        var staff = new Actor(ActorKinds.Staff, Guid.NewGuid().ToString());
        var at = _clock.GetUtcNow();
        foreach (var message in new object[]
        {
            new ReportSubmitted(reportId, trackingNumber, ReportKinds.Vulnerability, "Path traversal in Updater", description,
                new AffectedProduct("Maker", "Updater", "3.0"), true, "Serve an archive with ../ entries.", "Code execution.", "CWE-22", false, Actor.AnonymousReporter, at),
            new CaseAssessed(reportId, reportId, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8m, "Critical", "CWE-22", staff, at),
            new ReporterConsentChanged(reportId, trackingNumber, false, publicCredit, publicCredit ? "Fang Credit" : null, Actor.AnonymousReporter, at),
            new VendorNotified(reportId, reportId, trackingNumber, organisation, "Path traversal.", staff, at, "Maker"),
            new VendorStatusChanged(reportId, reportId, trackingNumber, organisation, "fixed", null, "3.0.1", staff, at),
        })
        {
            await RawPublisher.PublishAsync(_service.Servers, message);
        }
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = _service.Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            var facts = await session.LoadAsync<Facts.CaseFacts>(reportId);
            return facts is { Title.Length: > 0, BaseScore: not null, Vendors: [{ Status: "fixed", Name: "Maker" }] } && facts.PublicCredit == publicCredit;
        }, TimeSpan.FromSeconds(30)), "the case's facts did not reach Disclosure");
        return (trackingNumber, organisation);
    }

    /// <summary>A drafted advisory, read and saved by the coordinator unless <paramref name="reviewed"/> is false (its title and summary then stay the reporter's words).</summary>
    private async Task<JsonElement> DraftAsync(string coordinator, object body, bool reviewed = true)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/advisories", coordinator, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var draft = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!reviewed) return draft;
        var saved = await SendAsync(HttpMethod.Put, $"/api/advisories/{draft.GetProperty("publicId").GetString()}", coordinator, draft.GetProperty("content"));
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        return await saved.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Drafts copy the reporter's title and description; those words go public only after a coordinator has read
    /// and saved them: the set is not scheduled before (no override), and one drafted into a scheduled set holds
    /// the set back at the last check before the instant.
    /// </summary>
    [Fact]
    public async Task The_reporter_s_own_words_are_neither_scheduled_nor_published_before_a_coordinator_has_read_them()
    {
        var (trackingNumber, _) = await CaseAsync(publicCredit: false);
        var coordinator = _tokens.Person(Guid.NewGuid(), "coordinator");
        var draft = await DraftAsync(coordinator, new { trackingNumber }, reviewed: false);
        var id = draft.GetProperty("publicId").GetString()!;
        Assert.Equal(["title", "summary"], draft.GetProperty("unreviewed").EnumerateArray().Select(f => f.GetString()));
        var schedule = new { date = "2026-11-02", time = "09:00", timeZone = "UTC", overrideReason = "Agreed on the phone." };
        var refused = await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, schedule);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/reporter-words-unreviewed", problem.GetProperty("type").GetString());
        Assert.Equal([id], problem.GetProperty("advisories").EnumerateArray().Select(a => a.GetString()));
        var unscheduled = await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, unscheduled.GetProperty("time").ValueKind);

        // Read and saved (unchanged): scheduled.
        var saved = await SendAsync(HttpMethod.Put, $"/api/advisories/{id}", coordinator, draft.GetProperty("content"));
        Assert.Empty((await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unreviewed").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, schedule)).StatusCode);

        // Another advisory drafted into the scheduled set: at the last check it holds the whole set back.
        var late = await DraftAsync(coordinator, new { trackingNumber }, reviewed: false);
        _clock.SetUtcNow(Instant.AddMinutes(-4));
        await Task.WhenAll(_service.Instances.Select(WatchAsync));
        var set = await (await SendAsync(HttpMethod.Get, $"/api/advisories/sets/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, set.GetProperty("time").ValueKind);
        Assert.Contains(late.GetProperty("publicId").GetString()!, set.GetProperty("heldReason").GetString());
        _clock.SetUtcNow(Instant.AddMinutes(1));
        await WatchAsync(_service.Instances[0]);
        Assert.Equal(HttpStatusCode.NotFound, (await _service.Instances[0].CreateClient().GetAsync($"/advisories/{id}")).StatusCode);
    }

    private static Task<int> WatchAsync(WebApplicationFactory<Program> instance) =>
        instance.Services.GetRequiredService<PublicationWatch>().RunOnceAsync(CancellationToken.None);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return await _service.Instances.Last().CreateClient().SendAsync(request);
    }
}
