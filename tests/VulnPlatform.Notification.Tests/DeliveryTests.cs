using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Testing;

namespace VulnPlatform.Notification.Tests;

/// <summary>What reporters and staff receive, end to end from Intake's API over RabbitMQ to a real SMTP server.</summary>
[Collection(NotificationCollection.Name)]
public sealed class DeliveryTests(NotificationFixture fixture)
{
    private const string ReporterName = "Li Na Researcher";

    private static object Report(string email, string language, string title = "Stored XSS in the review form") => new
    {
        title, description = "The review text is rendered without encoding.", kind = "vulnerability",
        product = new { vendor = "Acme", name = "Shop", version = "4.2.1" }, thirdParty = false,
        stepsToReproduce = "Post a review containing a script tag.", impact = "Session theft.",
        reporter = new { name = ReporterName, email, language },
    };

    [Fact]
    public async Task A_submitted_report_gets_exactly_one_receipt_in_the_reporters_language_with_the_tracking_number_even_when_its_event_comes_twice()
    {
        var email = $"li.na.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, _, reportId) = await fixture.SubmitAsync(Report(email, "zh-CN"));

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)), "no receipt arrived");
        var receipt = Assert.Single(fixture.MailTo(email));
        Assert.Contains(trackingNumber, receipt.Subject!);
        Assert.Contains("我们已收到您的漏洞报告", receipt.Subject!);
        Assert.Contains("24 小时内确认", receipt.TextBody);
        Assert.Contains("5 个工作日", receipt.TextBody);
        Assert.Contains(trackingNumber, receipt.HtmlBody);

        // The same event again (as a relay repeat or a replay would bring it): still one e-mail.
        Guid sourceEventId;
        await using (var session = fixture.Store.QuerySession())
        {
            sourceEventId = (await session.Query<Delivery>().SingleAsync(d => d.ReportId == reportId && d.Template == "receipt")).SourceEventId;
        }
        var submitted = new ReportSubmitted(reportId, trackingNumber, ReportKinds.Vulnerability, "Stored XSS in the review form", "again", null, false,
            null, null, null, false, Actor.AnonymousReporter, DateTimeOffset.UtcNow);
        using (var consumed = new ConsumedMessages())
        {
            await RawPublisher.PublishAsync(fixture.Servers, submitted, sourceEventId);
            Assert.True(await consumed.WaitForAsync(sourceEventId, "NotificationConsumer", TimeSpan.FromSeconds(30)), "the repeat was not consumed");
        }
        var delivery = await fixture.SentAsync(trackingNumber, "receipt");
        Assert.Single(await fixture.DeliveriesAsync(trackingNumber), d => d.Template == "receipt" && d.Channel == DeliveryChannels.Email);
        Assert.Single(fixture.MailTo(email));
        Assert.Equal(["queued", "attempted", "handed-over", "sent"], delivery.History.Select(h => h.Event));
    }

    [Fact]
    public async Task English_is_used_when_the_reporter_chose_no_chinese_and_staff_messages_reach_the_reporter()
    {
        var email = $"reporter.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, _, reportId) = await fixture.SubmitAsync(Report(email, "en"));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)));
        Assert.Contains("We received your vulnerability report", Assert.Single(fixture.MailTo(email)).Subject!);

        await RawPublisher.PublishAsync(fixture.Servers, new ReportAcknowledged(reportId, reportId, trackingNumber,
            "Thanks <b>Li</b>, we reproduced it.", new Actor(ActorKinds.Staff, Guid.NewGuid().ToString()), DateTimeOffset.UtcNow));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Count() == 2), TimeSpan.FromSeconds(30)));
        var acknowledgement = fixture.MailTo(email).Single(m => m.Subject!.Contains("acknowledged"));
        Assert.Contains("Thanks <b>Li</b>, we reproduced it.", acknowledgement.TextBody);
        Assert.Contains("Thanks &lt;b&gt;Li&lt;/b&gt;, we reproduced it.", acknowledgement.HtmlBody);
        Assert.DoesNotContain("<b>Li</b>", acknowledgement.HtmlBody);
    }

    [Fact]
    public async Task When_the_mail_server_is_down_the_receipt_is_retried_and_delivered_once_it_is_back()
    {
        await fixture.StopMailAsync();
        try
        {
            var email = $"patient.{Guid.NewGuid():N}@example.org";
            var (trackingNumber, _, _) = await fixture.SubmitAsync(Report(email, "en"));
            Assert.True(await Eventually.HoldsAsync(async () =>
                (await fixture.DeliveriesAsync(trackingNumber)).Any(d => d.Template == "receipt" && d.History.Count(h => h.Event == "failed") >= 2),
                TimeSpan.FromSeconds(30)), "the receipt was not retried");
            var failing = (await fixture.DeliveriesAsync(trackingNumber)).Single(d => d.Template == "receipt");
            Assert.Contains("could not be reached", failing.LastError);

            fixture.StartMail();
            Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)), "not delivered after the server came back");
            // Sent is final: once recorded, no attempt is left that could send it again.
            Assert.True(await Eventually.HoldsAsync(async () =>
                (await fixture.DeliveriesAsync(trackingNumber)).Single(d => d.Template == "receipt").Status == DeliveryStatus.Sent, TimeSpan.FromSeconds(30)));
            Assert.Single(fixture.MailTo(email));
            var delivered = (await fixture.DeliveriesAsync(trackingNumber)).Single(d => d.Template == "receipt");
            Assert.Contains(delivered.History, h => h.Event == "retried");
        }
        finally
        {
            if (fixture.Mail is null) fixture.StartMail();
        }
    }

    [Fact]
    public async Task Fraud_goes_to_the_sales_desk_with_the_content_and_the_sender_is_told_where_it_went()
    {
        var email = $"customer.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, _, _) = await fixture.SubmitAsync(new
        {
            title = "Someone ordered with my card", description = "Three orders I never made.", kind = "fraud",
            reporter = new { name = "Customer", email, language = "en" },
        });
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo("sales-desk@example.com").Any(m => m.Subject!.Contains(trackingNumber))), TimeSpan.FromSeconds(30)));
        var desk = fixture.MailTo("sales-desk@example.com").Single(m => m.Subject!.Contains(trackingNumber));
        Assert.Contains("Three orders I never made.", desk.TextBody);
        Assert.Equal(email, desk.ReplyTo.Mailboxes.Single().Address);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)));
        Assert.Contains("sales", Assert.Single(fixture.MailTo(email)).Subject!);
        Assert.DoesNotContain(fixture.MailTo("support-desk@example.com"), m => m.Subject!.Contains(trackingNumber));
    }

    [Fact]
    public async Task Sla_warnings_go_to_the_assigned_analysts_inbox_or_to_the_staff_on_duty()
    {
        var analyst = Guid.NewGuid();
        var reportId = Guid.NewGuid();
        await RawPublisher.PublishAsync(fixture.Servers, new SlaWarning(reportId, reportId, "VR-2026-424242", "acknowledgement",
            DateTimeOffset.UtcNow.AddHours(4), DateTimeOffset.UtcNow, analyst.ToString()));
        await RawPublisher.PublishAsync(fixture.Servers, new SlaBreached(reportId, reportId, "VR-2026-434343", "update",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null));

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo("duty@example.com").Any(m => m.Subject!.Contains("VR-2026-434343"))),
            TimeSpan.FromSeconds(30)), "the staff on duty were not told of the unassigned breach");
        JsonElement inbox = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, "/api/inbox", fixture.Tokens.Person(analyst, "analyst")));
            inbox = await response.Content.ReadFromJsonAsync<JsonElement>();
            return inbox.GetProperty("total").GetInt32() == 1;
        }, TimeSpan.FromSeconds(30)));
        var message = inbox.GetProperty("items")[0];
        Assert.Contains("VR-2026-424242", message.GetProperty("subject").GetString());
        Assert.False(message.GetProperty("read").GetBoolean());
        Assert.Equal(1, inbox.GetProperty("unread").GetInt32());

        // Another person neither sees it nor can mark it read.
        var stranger = fixture.Tokens.Person(Guid.NewGuid(), "analyst");
        var theirs = await (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, "/api/inbox", stranger))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, theirs.GetProperty("total").GetInt32());
        var id = message.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, $"/api/inbox/{id}/read", stranger))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Post, $"/api/inbox/{id}/read", fixture.Tokens.Person(analyst, "analyst")))).StatusCode);
        var after = await (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get, "/api/inbox", fixture.Tokens.Person(analyst, "analyst")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, after.GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task An_anonymous_reporter_reads_the_reports_inbox_with_the_follow_up_token_only()
    {
        var (trackingNumber, token, _) = await fixture.SubmitAsync(new
        {
            title = "Open redirect on login", description = "The next parameter is not checked.", kind = "vulnerability", thirdParty = false,
            product = new { vendor = "Acme", name = "Portal", version = "2.0" }, stepsToReproduce = "Open /login?next=//evil.example", impact = "Phishing.",
        });
        JsonElement page = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var request = fixture.Request(HttpMethod.Get, $"/api/inbox/reports/{trackingNumber}", null);
            request.Headers.Add("X-Follow-Up-Token", token);
            request.Headers.AcceptLanguage.ParseAdd("zh-CN");
            var response = await fixture.Notification.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK) return false;
            page = await response.Content.ReadFromJsonAsync<JsonElement>();
            return page.GetProperty("total").GetInt32() == 1;
        }, TimeSpan.FromSeconds(30)));
        Assert.Contains("我们已收到您的漏洞报告", page.GetProperty("items")[0].GetProperty("subject").GetString());
        // Nobody to e-mail: the e-mail delivery is given up with the reason, nothing is sent.
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await fixture.DeliveriesAsync(trackingNumber)).Any(d => d.Status == DeliveryStatus.GivenUp && d.LastError!.Contains("anonymous")), TimeSpan.FromSeconds(30)));

        foreach (var wrong in new[] { "not-the-token", token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), "" })
        {
            var request = fixture.Request(HttpMethod.Get, $"/api/inbox/reports/{trackingNumber}", null);
            if (wrong.Length > 0) request.Headers.Add("X-Follow-Up-Token", wrong);
            var response = await fixture.Notification.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_lookup_that_times_out_is_a_failed_attempt_tried_again_not_one_left_hanging()
    {
        var email = $"slow.{Guid.NewGuid():N}@example.org";
        NotificationFixture.LookupTimesOutOnce[email] = true;
        var (trackingNumber, _, _) = await fixture.SubmitAsync(Report(email, "en"));

        // The first attempt's lookup times out; the next (a second later here) sends the receipt, well
        // before an attempt cut off mid-way would be taken over (StuckAfter, 2 minutes).
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)), "no receipt");
        Assert.False(NotificationFixture.LookupTimesOutOnce.ContainsKey(email)); // the timeout did happen
        var receipt = await fixture.SentAsync(trackingNumber, "receipt");
        Assert.Equal(2, receipt.Attempts);
        Assert.Single(fixture.MailTo(email));
    }

    [Fact]
    public async Task A_mail_server_s_refusal_that_echoes_the_address_is_logged_without_it()
    {
        var email = $"refused.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, _, _) = await fixture.SubmitAsync(Report(email, "en"));
        Assert.True(await Eventually.HoldsAsync(async () => (await fixture.DeliveriesAsync(trackingNumber)).Any(d => d.Template == "receipt" && d.Status == DeliveryStatus.GivenUp),
            TimeSpan.FromSeconds(30)), "the refused receipt was not given up");
        var receipt = Assert.Single(await fixture.DeliveriesAsync(trackingNumber), d => d.Template == "receipt");
        Assert.Contains("550", receipt.LastError);
        Assert.Contains("[address]", receipt.LastError);
        Assert.DoesNotContain(email, receipt.LastError);
        var log = await (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get,
            $"/api/notifications/reports/{trackingNumber}/deliveries", fixture.Tokens.Person(Guid.NewGuid(), "analyst")))).Content.ReadAsStringAsync();
        Assert.Contains("[address]", log);
        Assert.DoesNotContain(email, log);
        Assert.DoesNotContain("example.org", log);
    }

    [Fact]
    public async Task An_erased_reporter_s_credit_name_leaves_every_table_of_Notification()
    {
        var reportId = Guid.CreateVersion7();
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        var credit = $"Credit {Guid.NewGuid():N}"[..20];
        await RawPublisher.PublishAsync(fixture.Servers, new VulnPlatform.Contracts.Disclosure.AdvisoriesPublished(reportId, trackingNumber, DateTimeOffset.UtcNow,
            [new VulnPlatform.Contracts.Disclosure.PublishedAdvisory("VP-2026-0042", "Path traversal", new Uri("https://security.example.com/advisories/VP-2026-0042"), [])],
            credit));
        Assert.True(await Eventually.HoldsAsync(async () => (await fixture.DeliveriesAsync(trackingNumber)).Any(d => d.Template == "disclosed"), TimeSpan.FromSeconds(30)));
        Assert.True(await DatabaseSearch.RowsHoldingAsync(fixture.NotificationDatabase, credit) > 0);

        var erased = Guid.NewGuid();
        await RawPublisher.PublishAsync(fixture.Servers, new VulnPlatform.Contracts.Intake.ReporterDataErased(reportId, trackingNumber, "reporter-request",
            VulnPlatform.Contracts.Actor.AnonymousReporter, DateTimeOffset.UtcNow), erased);
        Assert.True(await Eventually.HoldsAsync(async () => await DatabaseSearch.RowsHoldingAsync(fixture.NotificationDatabase, credit) == 0, TimeSpan.FromSeconds(30)),
            "the credit name is still in Notification's database");
        var disclosed = Assert.Single(await fixture.DeliveriesAsync(trackingNumber), d => d.Template == "disclosed");
        Assert.True(disclosed.Values.ContainsKey("credit") && disclosed.Values["credit"] is null);
        Assert.Contains("VP-2026-0042", disclosed.Values["advisories"]);
    }

    [Fact]
    public async Task Staff_read_a_reports_delivery_log_without_any_address_and_reporters_may_not()
    {
        var email = $"logged.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, _, _) = await fixture.SubmitAsync(Report(email, "en"));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)));
        // The SMTP server has the e-mail a moment before Notification records that it was accepted.
        var body = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var response = await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get,
                $"/api/notifications/reports/{trackingNumber}/deliveries", fixture.Tokens.Person(Guid.NewGuid(), "analyst")));
            body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && body.Contains("\"sent\"");
        }, TimeSpan.FromSeconds(30)), $"the log does not show the receipt sent: {body}");
        Assert.Contains("\"receipt\"", body);
        Assert.DoesNotContain(email, body);
        Assert.DoesNotContain(ReporterName, body);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get,
            $"/api/notifications/reports/{trackingNumber}/deliveries", fixture.Tokens.Person(Guid.NewGuid(), "reporter")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Notification.SendAsync(fixture.Request(HttpMethod.Get,
            $"/api/notifications/reports/{trackingNumber}/deliveries", null))).StatusCode);
    }

    [Fact]
    public async Task A_vendor_bound_message_naming_the_reporter_without_consent_is_refused_and_one_without_is_sent()
    {
        var email = $"private.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, _, reportId) = await fixture.SubmitAsync(Report(email, "en"));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)));

        var leaking = await QueueVendorNoticeAsync(reportId, trackingNumber, await fixture.VendorAsync("Vendor A", "vendor-a@example.net"), new()
        {
            ["summary"] = $"Stored XSS in reviews, found by {ReporterName}.",
        });
        var hidden = await QueueVendorNoticeAsync(reportId, trackingNumber, await fixture.VendorAsync("Vendor B", "vendor-b@example.net"), new()
        {
            ["summary"] = $"Stored XSS; ask {email.ToUpperInvariant()} for details.",
        });
        var clean = await QueueVendorNoticeAsync(reportId, trackingNumber, await fixture.VendorAsync("Vendor C", "vendor-c@example.net", "psirt-c@example.net"), new()
        {
            ["summary"] = "Stored XSS in reviews.",
        });

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo("vendor-c@example.net").Any()), TimeSpan.FromSeconds(30)));
        await using var session = fixture.Store.QuerySession();
        foreach (var refused in new[] { leaking, hidden })
        {
            Assert.True(await Eventually.HoldsAsync(async () =>
                (await session.LoadAsync<Delivery>(refused))?.Status == DeliveryStatus.GivenUp, TimeSpan.FromSeconds(30)));
            var delivery = (await fixture.Store.QuerySession().LoadAsync<Delivery>(refused))!;
            Assert.Contains("redaction guard", delivery.LastError);
            Assert.DoesNotContain(email, delivery.LastError!, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Empty(fixture.MailTo("vendor-a@example.net"));
        Assert.Empty(fixture.MailTo("vendor-b@example.net"));
        var sent = Assert.Single(fixture.MailTo("vendor-c@example.net"));
        Assert.DoesNotContain(ReporterName, sent.TextBody);
        Assert.Contains("psirt-c@example.net", sent.To.Mailboxes.Select(m => m.Address)); // every security contact of the organisation
    }

    /// <summary>
    /// For every combination of the reporter's consent and vendor-bound message: the reporter's name and
    /// address are in what the vendor receives exactly when the message names the reporter and the
    /// reporter consented at the time of sending; never otherwise.
    /// </summary>
    [Theory]
    [InlineData(false, "notice")]
    [InlineData(true, "notice")]
    [InlineData(false, "reminder")]
    [InlineData(true, "reminder")]
    public async Task The_reporter_is_named_to_a_vendor_exactly_when_they_consented(bool consent, string message)
    {
        var email = $"consent.{Guid.NewGuid():N}@example.org";
        var (trackingNumber, token, reportId) = await fixture.SubmitAsync(Report(email, "en"));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(email).Any()), TimeSpan.FromSeconds(30)));
        if (consent)
        {
            var change = fixture.Request(HttpMethod.Put, $"/api/reports/{trackingNumber}/consent", null, new { shareIdentityWithVendor = true, publicCredit = false });
            change.Headers.Add("X-Follow-Up-Token", token);
            Assert.Equal(HttpStatusCode.OK, (await fixture.Intake.SendAsync(change)).StatusCode);
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                await using var session = fixture.Store.QuerySession();
                return (await session.LoadAsync<VulnPlatform.Notification.Recipients.ReportRecipient>(reportId))?.ShareIdentityWithVendor == true;
            }, TimeSpan.FromSeconds(30)));
        }
        var contact = $"psirt.{Guid.NewGuid():N}@vendor.example";
        var organisation = await fixture.VendorAsync("Consent Vendor", contact);
        var coordinator = new Actor(ActorKinds.Staff, Guid.NewGuid().ToString());
        object vendorEvent = message == "notice"
            ? new VulnPlatform.Contracts.VendorCoordination.VendorNotified(reportId, reportId, trackingNumber, organisation, "Stored XSS in reviews.", coordinator, DateTimeOffset.UtcNow)
            : new VulnPlatform.Contracts.VendorCoordination.VendorReminded(reportId, reportId, trackingNumber, organisation, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        await RawPublisher.PublishAsync(fixture.Servers, vendorEvent);

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(fixture.MailTo(contact).Any()), TimeSpan.FromSeconds(30)), "the vendor got nothing");
        var received = Assert.Single(fixture.MailTo(contact));
        var everything = received.Subject + received.TextBody + received.HtmlBody;
        var named = consent && message == "notice";
        Assert.Equal(named, everything.Contains(ReporterName));
        Assert.Equal(named, everything.Contains(email));
        Assert.Contains(trackingNumber, received.Subject);
    }

    [Fact]
    public async Task An_e_mail_whose_sending_instance_stopped_while_handing_it_over_is_given_up_as_unknown_never_sent_twice()
    {
        // As an instance leaves it when it dies after handing the message to SMTP and before recording the outcome.
        var (id, trackingNumber) = await StoppedAttemptAsync(handedOver: true);
        await using var query = fixture.Store.QuerySession();
        Assert.True(await Eventually.HoldsAsync(async () => (await query.LoadAsync<Delivery>(id))?.Status == DeliveryStatus.GivenUp, TimeSpan.FromSeconds(30)));
        Assert.Contains("unknown", (await fixture.Store.QuerySession().LoadAsync<Delivery>(id))!.LastError);
        Assert.DoesNotContain(fixture.MailTo("support-desk@example.com"), m => m.Subject!.Contains(trackingNumber));
    }

    [Fact]
    public async Task An_e_mail_whose_sending_instance_stopped_before_handing_it_over_is_sent_once()
    {
        // The instance died while looking up or rendering (the attempt is committed, nothing went to SMTP).
        var (id, trackingNumber) = await StoppedAttemptAsync(handedOver: false);
        await using var query = fixture.Store.QuerySession();
        Assert.True(await Eventually.HoldsAsync(async () => (await query.LoadAsync<Delivery>(id))?.Status == DeliveryStatus.Sent, TimeSpan.FromSeconds(30)));
        var delivery = (await fixture.Store.QuerySession().LoadAsync<Delivery>(id))!;
        Assert.Equal(2, delivery.Attempts);
        Assert.Equal(["queued", "attempted", "failed", "retried", "handed-over", "sent"], delivery.History.Select(h => h.Event));
        Assert.Single(fixture.MailTo("support-desk@example.com"), m => m.Subject!.Contains(trackingNumber));
    }

    private async Task<(Guid Id, string TrackingNumber)> StoppedAttemptAsync(bool handedOver)
    {
        var recipient = new Recipient(Recipient.Desk, "support");
        var id = DeliveryIds.For(Guid.NewGuid(), recipient, DeliveryChannels.Email);
        var trackingNumber = $"VR-2026-{Random.Shared.Next(100_000, 999_999)}";
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        await using var session = fixture.Store.LightweightSession();
        var events = new List<object>
        {
            new NotificationQueued(id, Guid.NewGuid(), "ReportSubmitted", "desk-submission", DeliveryChannels.Email, recipient, null, trackingNumber,
                new() { ["trackingNumber"] = trackingNumber, ["kind"] = "general", ["desk"] = "support", ["title"] = "Question", ["description"] = "Hello" }, longAgo),
            new DeliveryAttempted(id, 1, longAgo),
        };
        if (handedOver) events.Add(new EmailHandedOver(id, 1, longAgo));
        session.Events.StartStream<Delivery>(id, [.. events]);
        await session.SaveChangesAsync();
        return (id, trackingNumber);
    }

    private async Task<Guid> QueueVendorNoticeAsync(Guid reportId, string trackingNumber, Guid organisation, Dictionary<string, string?> values)
    {
        values["trackingNumber"] = trackingNumber;
        var recipient = new Recipient(Recipient.Vendor, organisation.ToString());
        var id = DeliveryIds.For(Guid.NewGuid(), recipient, DeliveryChannels.Email);
        await using var session = fixture.Store.LightweightSession();
        session.Events.StartStream<Delivery>(id, new NotificationQueued(id, Guid.NewGuid(), "VendorNotified", "vendor-notice", DeliveryChannels.Email, recipient,
            reportId, trackingNumber, values, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        return id;
    }
}
