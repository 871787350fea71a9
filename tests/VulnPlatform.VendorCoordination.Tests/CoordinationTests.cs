using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Testing;

namespace VulnPlatform.VendorCoordination.Tests;

[Collection(CoordinationCollection.Name)]
public sealed class CoordinationTests(CoordinationFixture fixture)
{
    private static object Vendor(string name, string product, string language = "en") => new
    {
        name, products = new[] { new { name = product, cpe = $"cpe:2.3:a:{name.ToLowerInvariant()}:{product.ToLowerInvariant()}", purl = (string?)null } },
        securityContacts = new[] { $"security@{name.ToLowerInvariant()}.example" }, language, timeZone = "Europe/Berlin",
    };

    private async Task<Guid> RegisterAsync(object vendor)
    {
        var response = await fixture.SendAsync(HttpMethod.Post, "/api/coordination/vendors", fixture.Coordinator(), vendor);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Coordinators_keep_the_directory_and_bad_records_are_refused_field_by_field()
    {
        var id = await RegisterAsync(Vendor($"Acme{Guid.NewGuid():N}"[..12], "Router", "zh-CN"));
        var read = await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendors/{id}", fixture.Coordinator());
        var organisation = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("zh-CN", organisation.GetProperty("language").GetString());
        Assert.Equal("Europe/Berlin", organisation.GetProperty("timeZone").GetString());

        var bad = await fixture.SendAsync(HttpMethod.Post, "/api/coordination/vendors", fixture.Coordinator(), new
        {
            name = "Bad\u0007Name", products = new[] { new { name = "X", cpe = "cpe:/a:old:format", purl = "npm/x" } },
            securityContacts = new[] { "not an address", "ok@example.com\r\nBcc: x@example.com" }, language = "fr", timeZone = "Mars/Olympus",
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "Name", "Products[0].Cpe", "Products[0].Purl", "SecurityContacts[0]", "SecurityContacts[1]", "Language", "TimeZone" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        // A stale version is refused; the current one is accepted.
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/coordination/vendors/{id}") { Content = JsonContent.Create(Vendor("Renamed", "Router")) };
        stale.Headers.Authorization = new("Bearer", fixture.Coordinator());
        stale.Headers.TryAddWithoutValidation("If-Match", "\"99\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await fixture.Client.SendAsync(stale)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Put, $"/api/coordination/vendors/{id}", fixture.Coordinator(), Vendor("Renamed", "Router"))).StatusCode);

        foreach (var role in new[] { "analyst", "vendor", "reporter", "admin" })
        {
            var refused = await fixture.SendAsync(HttpMethod.Post, "/api/coordination/vendors", fixture.Tokens.Person(Guid.NewGuid(), role), Vendor("Sneaky", "Thing"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/vendors", null)).StatusCode);
    }

    [Fact]
    public async Task A_third_party_report_opens_a_case_with_suggested_vendors_and_every_vendor_reaches_its_final_status()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var a = await RegisterAsync(Vendor($"Alpha{suffix}", $"Gateway{suffix}"));
        var b = await RegisterAsync(Vendor($"Beta{suffix}", $"Library{suffix}"));
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await using var changes = await RawSubscriber.StartAsync(fixture.Servers, "VulnPlatform.Contracts.VendorCoordination:VendorStatusChanged");
        var analyst = new Actor(ActorKinds.Staff, Guid.NewGuid().ToString());
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, $"Alpha{suffix}", $"Gateway{suffix}", analyst, DateTimeOffset.UtcNow, trackingNumber));
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, "Someone else", $"Library{suffix}", analyst, DateTimeOffset.UtcNow, trackingNumber));

        var coordinator = fixture.Coordinator();
        JsonElement opened = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator);
            if (response.StatusCode != HttpStatusCode.OK) return false;
            opened = await response.Content.ReadFromJsonAsync<JsonElement>();
            return opened.GetProperty("products").GetArrayLength() == 2;
        }, TimeSpan.FromSeconds(30)), "the case did not open from Triage's events");
        var suggested = opened.GetProperty("products").EnumerateArray().SelectMany(p => p.GetProperty("suggested").EnumerateArray().Select(s => s.GetGuid())).ToHashSet();
        Assert.Equal([a, b], suggested.Order());

        foreach (var organisation in new[] { a, b })
        {
            var added = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });
            Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = a })).StatusCode);
        foreach (var organisation in new[] { a, b })
        {
            var notified = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
                new { summary = "A vulnerability in your product." });
            Assert.True(notified.StatusCode == HttpStatusCode.OK, await notified.Content.ReadAsStringAsync());
        }

        var vendorA = fixture.VendorOf(a);
        foreach (var status in new[] { "under-investigation", "affected" })
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", vendorA, new { status })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", vendorA, new { status = "fixed" })).StatusCode);
        var fixedA = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", vendorA, new { status = "fixed", fixedVersion = "2.4.1" });
        Assert.Equal(HttpStatusCode.OK, fixedA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/statements", vendorA,
            new { text = "Fixed in 2.4.1; update now." })).StatusCode);

        var vendorB = fixture.VendorOf(b);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", vendorB,
            new { status = "not-affected" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", vendorB,
            new { status = "not-affected", justification = "vulnerable_code_not_present" })).StatusCode);

        var final = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).Content.ReadFromJsonAsync<JsonElement>();
        var vendors = final.GetProperty("vendors").EnumerateArray().ToDictionary(v => v.GetProperty("organisationId").GetGuid());
        Assert.Equal("fixed", vendors[a].GetProperty("status").GetString());
        Assert.Equal("2.4.1", vendors[a].GetProperty("fixedVersion").GetString());
        Assert.Equal("Fixed in 2.4.1; update now.", vendors[a].GetProperty("statements")[0].GetProperty("text").GetString());
        Assert.Equal("not-affected", vendors[b].GetProperty("status").GetString());
        Assert.Equal("vulnerable_code_not_present", vendors[b].GetProperty("justification").GetString());

        // The disclosure hears every change on the bus (4 of them), without personal data.
        var seen = await changes.WaitForAsync(all => all.Count(m => m.Message.GetProperty("caseId").GetGuid() == reportId) >= 4, TimeSpan.FromSeconds(30));
        Assert.Contains(seen, m => m.Message.GetProperty("caseId").GetGuid() == reportId && m.Message.GetProperty("status").GetString() == "fixed"
            && m.Message.GetProperty("fixedVersion").GetString() == "2.4.1");
    }

    [Fact]
    public async Task A_vendor_sees_only_its_own_part_of_its_own_cases()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var mine = await RegisterAsync(Vendor($"Mine{suffix}", "Widget"));
        var other = await RegisterAsync(Vendor($"Other{suffix}", "Gadget"));
        var outsider = await RegisterAsync(Vendor($"Outsider{suffix}", "Gizmo"));
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, $"Mine{suffix}", "Widget",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow, trackingNumber));
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, $"Other{suffix}", "Gadget",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow, trackingNumber));
        var coordinator = fixture.Coordinator();
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator);
            return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("products").GetArrayLength() == 2;
        }, TimeSpan.FromSeconds(30)));
        foreach (var organisation in new[] { mine, other })
        {
            await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });
        }
        // Added but not told yet: the case does not exist for the vendor — not in its list, not readable, nothing to act on.
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", null),
                     (HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/statements", new { text = "Other's private note." }),
                     (HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", new { status = "affected" }),
                     (HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/acknowledge", null),
                     (HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/messages", new { text = "Hello?" }),
                     (HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/disclosure-date-requests", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(30), reason = "Later." }),
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(method, path, fixture.VendorOf(other), body)).StatusCode);
        }
        var before = await (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/vendor/cases", fixture.VendorOf(other))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(before.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);
        await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{mine}/notify", coordinator, new { summary = "For Mine: XSS in the widget." });
        await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{other}/notify", coordinator, new { summary = "For Other: a gadget issue." });
        await RawPublisher.PublishAsync(fixture.Servers, new CaseAssessed(reportId, reportId, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1m, "Medium", "CWE-79",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow));
        JsonElement mineView = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            mineView = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", fixture.VendorOf(mine))).Content.ReadFromJsonAsync<JsonElement>();
            return mineView.GetProperty("cwe").ValueKind == JsonValueKind.String;
        }, TimeSpan.FromSeconds(30)), "the scores did not reach the vendor's view");
        Assert.Equal("CWE-79", mineView.GetProperty("cwe").GetString());
        Assert.Equal(6.1m, mineView.GetProperty("baseScore").GetDecimal());
        Assert.Equal("For Mine: XSS in the widget.", Assert.Single(mineView.GetProperty("entry").GetProperty("notices").EnumerateArray()).GetProperty("summary").GetString());
        Assert.DoesNotContain("For Other", mineView.ToString());
        // Its own product only: the case also names Other's gadget.
        Assert.Equal(["Widget"], mineView.GetProperty("products").EnumerateArray().Select(p => p.GetString()!).ToArray());

        var view = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", fixture.VendorOf(mine))).Content.ReadAsStringAsync();
        Assert.Contains(mine.ToString(), view);
        Assert.DoesNotContain(other.ToString(), view);
        Assert.DoesNotContain("Other's private note.", view);
        var list = await (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/vendor/cases", fixture.VendorOf(mine))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);

        var stranger = fixture.VendorOf(outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", stranger)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", stranger,
            new { status = "affected" })).StatusCode);
        var theirs = await (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/vendor/cases", stranger)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);
        // A vendor token without an organisation, and the coordinator API for a vendor: refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/vendor/cases", fixture.Tokens.Person(Guid.NewGuid(), "vendor"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", fixture.VendorOf(mine))).StatusCode);
    }

    [Fact]
    public async Task A_coordinator_removes_a_vendor_added_by_mistake_and_a_notified_one_is_told_why()
    {
        await using var removed = await RawSubscriber.StartAsync(fixture.Servers, "VulnPlatform.Contracts.VendorCoordination:VendorRemovedFromCase");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var wrong = await RegisterAsync(Vendor($"Wrong{suffix}", "Widget"));
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, $"Wrong{suffix}", "Widget",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow, trackingNumber));
        var coordinator = fixture.Coordinator();
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = wrong });
        await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{wrong}/notify", coordinator, new { summary = "XSS in the widget." });
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", fixture.VendorOf(wrong))).StatusCode);

        foreach (var reason in new[] { "", "   " })
        {
            var refused = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{wrong}/remove", coordinator, new { reason });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        var done = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{wrong}/remove", coordinator,
            new { reason = "Another organisation makes this widget." });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var view = await done.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(view.GetProperty("vendors").EnumerateArray());
        Assert.Contains(view.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "vendor-removed"
            && h.GetProperty("organisationId").GetGuid() == wrong);

        // The vendor sees and does nothing of it any more, and is told why.
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", fixture.VendorOf(wrong))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/vendor/cases/{trackingNumber}/status", fixture.VendorOf(wrong),
            new { status = "affected" })).StatusCode);
        var list = await (await fixture.SendAsync(HttpMethod.Get, "/api/coordination/vendor/cases", fixture.VendorOf(wrong))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == trackingNumber);
        var told = (await removed.WaitForAsync(r => r.Count > 0, TimeSpan.FromSeconds(30))).First().Message;
        Assert.True(told.GetProperty("wasNotified").GetBoolean());
        Assert.Equal(wrong, told.GetProperty("organisationId").GetGuid());
        Assert.Equal("Another organisation makes this widget.", told.GetProperty("reason").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{wrong}/remove", coordinator,
            new { reason = "Again." })).StatusCode);
    }

    [Fact]
    public async Task A_coordinator_opens_coordination_for_a_report_by_its_number_once_and_not_for_unknown_numbers()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var maker = await RegisterAsync(Vendor($"Printer{suffix}", $"Spooler{suffix}"));
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        await RawPublisher.PublishAsync(fixture.Servers, new VulnPlatform.Contracts.Intake.ReportSubmitted(reportId, trackingNumber, ReportKinds.Vulnerability,
            "Spooler overflow", "A long job name overflows.", null, false, null, null, null, true, Actor.AnonymousReporter, DateTimeOffset.UtcNow));
        var coordinator = fixture.Coordinator();
        var body = new { trackingNumber, vendor = $"Printer{suffix}", product = $"Spooler{suffix}" };
        HttpResponseMessage opened = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
            (opened = await fixture.SendAsync(HttpMethod.Post, "/api/coordination/cases", coordinator, body)).StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(30)));
        var created = await opened.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(maker, created.GetProperty("products")[0].GetProperty("suggested")[0].GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.SendAsync(HttpMethod.Post, "/api/coordination/cases", coordinator, body)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.SendAsync(HttpMethod.Post, "/api/coordination/cases", coordinator,
            new { trackingNumber = "VR-2026-000000", vendor = "X", product = "Y" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync(HttpMethod.Post, "/api/coordination/cases", fixture.Tokens.Person(Guid.NewGuid(), "analyst"), body)).StatusCode);
    }

    [Theory]
    [InlineData("Reported by Wang Fang: XSS in the widget.")]
    [InlineData("Reported by fang, wang: XSS in the widget.")]
    [InlineData("Ask wang.fang (at) example (dot) org for the exploit.")]
    public async Task A_notice_naming_the_reporter_without_consent_is_refused_before_the_vendor_can_read_it(string summary)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var organisation = await RegisterAsync(Vendor($"Named{suffix}", "Widget"));
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        fixture.Intake.Contacts[reportId] = ("Wang Fang", "wang.fang@example.org");
        await RawPublisher.PublishAsync(fixture.Servers, new ThirdPartyIdentified(reportId, reportId, $"Named{suffix}", "Widget",
            new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow, trackingNumber));
        var coordinator = fixture.Coordinator();
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}", coordinator)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });

        var refused = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator, new { summary });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.DoesNotContain("Wang", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", fixture.VendorOf(organisation))).StatusCode);
        var clean = await fixture.SendAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
            new { summary = "XSS in the widget's preview." });
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        var view = await (await fixture.SendAsync(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", fixture.VendorOf(organisation))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Wang", view, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("example.org", view);
    }
}
