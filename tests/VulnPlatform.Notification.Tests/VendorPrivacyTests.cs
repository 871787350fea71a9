extern alias coordination;
extern alias intake;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.Testing;
using CoordinationConsent = coordination::VulnPlatform.VendorCoordination.Cases.ReporterConsent;

namespace VulnPlatform.Notification.Tests;

/// <summary>
/// What reaches a vendor of the reporter, through every channel a vendor receives from — the vendor
/// view (API), the e-mails to its security contacts and the integration events about it — with the
/// real Intake, VendorCoordination and Notification, over RabbitMQ and SMTP.
/// </summary>
[Collection(NotificationCollection.Name)]
public sealed class VendorPrivacyTests(NotificationFixture fixture)
{
    private const string ReporterName = "Wang Fang Researcher";
    private static readonly string[] CoordinationExchanges =
        [.. new[] { typeof(VendorNotified), typeof(VendorMessageRelayed), typeof(VendorAcknowledged), typeof(VendorStatusChanged), typeof(CoordinationCaseOpened),
            typeof(DisclosureDateProposed) }.Select(t => $"{t.Namespace}:{t.Name}")];

    /// <summary>
    /// For every combination of the reporter's consent flags: the reporter's name and e-mail address are
    /// in the vendor view, the notice and the relayed messages exactly when they allowed their identity
    /// to be shared, the credit name exactly when they also chose public credit — and a message of
    /// theirs that would name them without consent is refused before it goes anywhere.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_vendor_learns_who_the_reporter_is_exactly_when_the_reporter_allows_it(bool shareIdentity, bool publicCredit)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var email = $"wang.fang.{suffix}@example.org";
        var credit = $"Fang Credit {suffix}";
        var contact = $"psirt.{suffix}@vendor.example";
        await using var events = await RawSubscriber.StartAsync(fixture.Servers, CoordinationExchanges);
        var (trackingNumber, token, reportId) = await fixture.SubmitAsync(new
        {
            title = "Path traversal in the firmware updater", description = "The updater writes outside its directory.", kind = "vulnerability",
            product = new { vendor = $"Maker {suffix}", name = "Updater", version = "2.0" }, thirdParty = true,
            stepsToReproduce = "Upload an archive with ../ entries.", impact = "Code execution on the device.",
            reporter = new { name = ReporterName, email, language = "en" },
        });
        var consent = fixture.Request(HttpMethod.Put, $"/api/reports/{trackingNumber}/consent", null,
            new { shareIdentityWithVendor = shareIdentity, publicCredit, creditName = publicCredit ? credit : null });
        consent.Headers.Add("X-Follow-Up-Token", token);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Intake.SendAsync(consent)).StatusCode);
        if (shareIdentity || publicCredit)
        {
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                await using var coordinationSession = fixture.CoordinationStore.QuerySession();
                await using var notificationSession = fixture.Store.QuerySession();
                return await coordinationSession.LoadAsync<CoordinationConsent>(reportId) is not null
                    && (await notificationSession.LoadAsync<Recipients.ReportRecipient>(reportId))?.ShareIdentityWithVendor == shareIdentity;
            }, TimeSpan.FromSeconds(30)), "the consent did not reach VendorCoordination and Notification");
        }

        // The coordinator opens coordination, adds the vendor and notifies it.
        var coordinator = fixture.Tokens.Person(Guid.NewGuid(), "coordinator");
        var organisation = await fixture.VendorAsync($"Maker {suffix}", contact);
        Assert.True(await Eventually.HoldsAsync(async () => (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Post, "/api/coordination/cases", coordinator,
            new { trackingNumber, vendor = $"Maker {suffix}", product = "Updater" }))).StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(30)));
        await CoordinateAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });
        await CoordinateAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
            new { summary = "Path traversal in Updater 2.0 lets an archive write anywhere." });

        // The vendor asks; the reporter sees the question from the organisation and gets an e-mail about it.
        var vendor = fixture.Tokens.PersonWith(Guid.NewGuid(), [new System.Security.Claims.Claim("vendor_org", organisation.ToString())], "vendor");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Post,
            $"/api/coordination/vendor/cases/{trackingNumber}/messages", vendor, new { text = "Which archive format did you use?" }))).StatusCode);
        JsonElement status = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            status = await ReporterViewAsync(trackingNumber, token);
            // The notice and the question travel on different queues: either may arrive first.
            return status.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("from").GetString() == "vendor")
                && status.GetProperty("sharedWithVendors").GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(30)), "the vendor's question did not reach the reporter");
        var asked = status.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("from").GetString() == "vendor");
        Assert.Equal($"Maker {suffix}", asked.GetProperty("organisation").GetString());
        Assert.Equal(organisation, status.GetProperty("sharedWithVendors")[0].GetProperty("organisationId").GetGuid());
        if (!await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any(m => m.Subject?.Contains($"Maker {suffix} wrote to you") == true)),
            TimeSpan.FromSeconds(30)))
        {
            Assert.Fail($"the reporter was not told of the vendor's question at {DateTimeOffset.UtcNow:HH:mm:ss.fff}; Notification's deliveries:\n{await fixture.DeliveryLogAsync(trackingNumber)}");
        }

        // The reporter answers, signing with their name and address: refused unless they allowed their identity.
        var signed = $"A tar archive.\n-- {ReporterName} <{email}>";
        var answer = await ReporterWritesAsync(trackingNumber, token, new { text = signed, toVendor = organisation });
        Assert.Equal(shareIdentity ? HttpStatusCode.Created : HttpStatusCode.BadRequest, answer.StatusCode);
        if (!shareIdentity)
        {
            Assert.Contains("reveal who you are", await answer.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Created, (await ReporterWritesAsync(trackingNumber, token, new { text = "A tar archive.", toVendor = organisation })).StatusCode);
        }
        // Files go to a vendor only through the coordinator; a stranger organisation cannot be written to.
        Assert.Equal(HttpStatusCode.BadRequest, (await ReporterWritesAsync(trackingNumber, token, new { text = "Hello", toVendor = Guid.NewGuid() })).StatusCode);

        // What the vendor has: its view, its e-mails, the events about it.
        JsonElement view = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            view = await (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", vendor)))
                .Content.ReadFromJsonAsync<JsonElement>();
            return view.GetProperty("entry").GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("from").GetString() == "reporter");
        }, TimeSpan.FromSeconds(30)), "the reporter's answer did not reach the vendor's view");
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(contact).Count() == 2), TimeSpan.FromSeconds(30)),
            "the vendor did not get the notice and the reporter's answer by e-mail");
        await events.WaitForAsync(r => r.Count(m => m.RawJson.Contains(trackingNumber) && m.Type == nameof(VendorMessageRelayed)) == 2, TimeSpan.FromSeconds(30));

        var mails = fixture.MailTo(contact).Select(m => m.Subject + m.TextBody + m.HtmlBody).ToList();
        var viewJson = view.GetRawText();
        var eventsJson = string.Join("\n", events.Received.Where(m => m.RawJson.Contains(trackingNumber)).Select(m => m.RawJson));
        foreach (var (channel, payload) in mails.Select(m => ("e-mail", m)).Append(("vendor view", viewJson)))
        {
            Assert.True(shareIdentity == payload.Contains(ReporterName), $"{channel}: the name is there {payload.Contains(ReporterName)}, consent {shareIdentity}");
            Assert.True(shareIdentity == payload.Contains(email), $"{channel}: the address is there {payload.Contains(email)}, consent {shareIdentity}");
            Assert.True((shareIdentity && publicCredit) == payload.Contains(credit), $"{channel}: the credit name is there {payload.Contains(credit)}");
        }
        // Events carry no identity of their own; the reporter's own signed text is the only way a name gets there.
        Assert.Equal(shareIdentity, eventsJson.Contains(ReporterName));
        Assert.Equal(shareIdentity, eventsJson.Contains(email));
        Assert.DoesNotContain(credit, eventsJson);
        Assert.Equal(shareIdentity ? ReporterName : null, view.GetProperty("reporter") is { ValueKind: JsonValueKind.Object } r ? r.GetProperty("name").GetString() : null);
    }

    [Fact]
    public async Task A_file_the_coordinator_shares_reaches_only_that_vendor_under_a_neutral_name_and_its_download_is_recorded()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (trackingNumber, token, reportId) = await fixture.SubmitAsync(new
        {
            title = "SQL injection in the search API", description = "The q parameter reaches SQL.", kind = "vulnerability",
            product = new { vendor = $"Files {suffix}", name = "Search", version = "1.0" }, thirdParty = true,
            stepsToReproduce = "GET /search?q='", impact = "Database read.", reporter = new { name = ReporterName, email = $"files.{suffix}@example.org", language = "en" },
        });
        var upload = fixture.Request(HttpMethod.Post, $"/api/reports/{trackingNumber}/attachments", null);
        upload.Headers.Add("X-Follow-Up-Token", token);
        var form = new MultipartFormDataContent();
        var poc = "#!/usr/bin/env python3\nprint('poc')\n"u8.ToArray();
        form.Add(new ByteArrayContent(poc) { Headers = { ContentType = new("text/x-python") } }, "files", $"{ReporterName.Replace(' ', '-')}-poc.py");
        upload.Content = form;
        var uploaded = await fixture.Intake.SendAsync(upload);
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var coordinator = fixture.Tokens.Person(Guid.NewGuid(), "coordinator");
        var mine = await fixture.VendorAsync($"Files {suffix}", $"psirt.{suffix}@files.example");
        var other = await fixture.VendorAsync($"Other {suffix}", $"psirt.{suffix}@other.example");
        Assert.True(await Eventually.HoldsAsync(async () => (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Post, "/api/coordination/cases", coordinator,
            new { trackingNumber, vendor = $"Files {suffix}", product = "Search" }))).StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(30)));
        foreach (var organisation in new[] { mine, other })
        {
            await CoordinateAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors", coordinator, new { organisationId = organisation });
            // A vendor sees the case (and a file shared with it) from its first notice.
            await CoordinateAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{organisation}/notify", coordinator,
                new { summary = "A vulnerability in the search." });
        }
        JsonElement files = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            files = await (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Get, $"/api/coordination/cases/{trackingNumber}/files", coordinator)))
                .Content.ReadFromJsonAsync<JsonElement>();
            return files.GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(30)), "the report's file did not reach VendorCoordination");
        var attachment = files[0].GetProperty("attachmentId").GetGuid();
        await CoordinateAsync(HttpMethod.Post, $"/api/coordination/cases/{trackingNumber}/vendors/{mine}/files", coordinator, new { attachmentId = attachment });
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Post,
            $"/api/coordination/cases/{trackingNumber}/vendors/{mine}/files", coordinator, new { attachmentId = Guid.NewGuid() }))).StatusCode);

        var mineToken = fixture.Tokens.PersonWith(Guid.NewGuid(), [new System.Security.Claims.Claim("vendor_org", mine.ToString())], "vendor");
        var otherToken = fixture.Tokens.PersonWith(Guid.NewGuid(), [new System.Security.Claims.Claim("vendor_org", other.ToString())], "vendor");
        var view = await (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}", mineToken)))
            .Content.ReadFromJsonAsync<JsonElement>();
        var shared = Assert.Single(view.GetProperty("entry").GetProperty("files").EnumerateArray());
        Assert.Equal($"{trackingNumber}-file-1.py", shared.GetProperty("fileName").GetString());
        Assert.DoesNotContain("Wang", view.GetRawText());

        var download = await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Get, $"/api/coordination/vendor/cases/{trackingNumber}/files/{attachment}", mineToken));
        Assert.True(download.StatusCode == HttpStatusCode.OK, $"{(int)download.StatusCode}: {await download.Content.ReadAsStringAsync()}");
        Assert.Equal(poc, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal($"{trackingNumber}-file-1.py", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Get,
            $"/api/coordination/vendor/cases/{trackingNumber}/files/{attachment}", otherToken))).StatusCode);
        await using (var session = fixture.IntakeStore.QuerySession())
        {
            var accessed = (await session.Events.FetchStreamAsync(reportId)).Select(e => e.Data).OfType<intake::VulnPlatform.Intake.Reports.AttachmentAccessed>().ToList();
            var record = Assert.Single(accessed);
            Assert.Equal("vendor", record.By.Kind);
            Assert.StartsWith(mine.ToString(), record.By.Id);
        }

        // Unshared: gone from the view and refused.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Delete,
            $"/api/coordination/cases/{trackingNumber}/vendors/{mine}/files/{attachment}", coordinator))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Coordination.SendAsync(fixture.Request(HttpMethod.Get,
            $"/api/coordination/vendor/cases/{trackingNumber}/files/{attachment}", mineToken))).StatusCode);
    }

    private async Task CoordinateAsync(HttpMethod method, string path, string token, object body)
    {
        var response = await fixture.Coordination.SendAsync(fixture.Request(method, path, token, body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> ReporterWritesAsync(string trackingNumber, string token, object body)
    {
        var request = fixture.Request(HttpMethod.Post, $"/api/reports/{trackingNumber}/messages", null, body);
        request.Headers.Add("X-Follow-Up-Token", token);
        return await fixture.Intake.SendAsync(request);
    }

    private async Task<JsonElement> ReporterViewAsync(string trackingNumber, string token)
    {
        var request = fixture.Request(HttpMethod.Get, $"/api/reports/{trackingNumber}", null);
        request.Headers.Add("X-Follow-Up-Token", token);
        return await (await fixture.Intake.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>Consent changes arrive out of order (eight in flight per queue, retries): the newest change made is the one that holds.</summary>
[Collection(NotificationCollection.Name)]
public sealed class ConsentOrderTests(NotificationFixture fixture)
{
    [Fact]
    public async Task An_older_share_my_identity_arriving_after_a_newer_no_and_its_retry_change_nothing()
    {
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        var asked = DateTimeOffset.UtcNow.AddMinutes(-2);
        var withdrawn = asked.AddMinutes(1);
        var yes = new VulnPlatform.Contracts.Intake.ReporterConsentChanged(reportId, trackingNumber, true, true, "Wang Fang", VulnPlatform.Contracts.Actor.AnonymousReporter, asked);
        var no = yes with { ShareIdentityWithVendor = false, PublicCredit = false, CreditName = null, ChangedAt = withdrawn };

        await RawPublisher.PublishAsync(fixture.Servers, no);
        Assert.True(await Eventually.HoldsAsync(async () => await RecipientAsync(reportId) is { ConsentChangedAt: not null }, TimeSpan.FromSeconds(30)),
            "the withdrawal did not reach Notification");
        var late = Guid.NewGuid();
        var retry = Guid.NewGuid();
        await RawPublisher.PublishAsync(fixture.Servers, yes, late);
        await RawPublisher.PublishAsync(fixture.Servers, yes, retry);
        await RawPublisher.PublishAsync(fixture.Servers, yes, late);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = fixture.Store.QuerySession();
            return await session.LoadAsync<ServiceDefaults.Messaging.ProcessedMessage>(ProcessedId(late)) is not null
                && await session.LoadAsync<ServiceDefaults.Messaging.ProcessedMessage>(ProcessedId(retry)) is not null;
        }, TimeSpan.FromSeconds(30)), "the late consent messages were not consumed");

        var recipient = await RecipientAsync(reportId);
        Assert.False(recipient!.ShareIdentityWithVendor);
        Assert.Null(recipient.CreditName);
        Assert.Equal(withdrawn, recipient.ConsentChangedAt);
    }

    private static string ProcessedId(Guid messageId) =>
        ServiceDefaults.Messaging.IdempotentConsumer<VulnPlatform.Contracts.Intake.ReporterConsentChanged>.RecordId("notification.ReporterConsentChanged", messageId);

    private async Task<Recipients.ReportRecipient?> RecipientAsync(Guid reportId)
    {
        await using var session = fixture.Store.QuerySession();
        return await session.LoadAsync<Recipients.ReportRecipient>(reportId);
    }
}
