using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Testing;

namespace VulnPlatform.Triage.Tests;

/// <summary>A case from the report that opens it to the close, against real PostgreSQL and RabbitMQ.</summary>
[Collection(TriageCollection.Name)]
public sealed class CaseFlowTests(TriageFixture triage)
{
    private static int _next = Random.Shared.Next(100_000, 900_000);

    [Fact]
    public async Task A_vulnerability_report_opens_a_case_that_staff_take_to_closed_and_the_reporter_hears_each_step()
    {
        await using var acknowledgements = await RawSubscriber.StartAsync(triage.Servers, "VulnPlatform.Contracts.Triage:ReportAcknowledged");
        var report = await SubmitAsync(ReportKinds.Vulnerability);
        var (view, etag) = await OpenedAsync(report.TrackingNumber);
        Assert.Equal("new", view.GetProperty("state").GetString());
        Assert.Equal(report.SubmittedAt.AddHours(24), view.GetProperty("acknowledgementDueAt").GetDateTimeOffset());

        using var client = triage.Client();
        var url = $"/api/triage/cases/{report.TrackingNumber}";
        // No If-Match: refused; an old one: refused; nothing changed.
        var withoutVersion = await client.SendAsync(triage.Request(HttpMethod.Post, $"{url}/acknowledge", triage.AnalystToken, Json(new { message = "Thanks!" })));
        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutVersion.StatusCode);
        var stale = await client.SendAsync(triage.Request(HttpMethod.Post, $"{url}/acknowledge", triage.AnalystToken, Json(new { message = "Thanks!" }), "\"0\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        etag = await CommandAsync(url, "acknowledge", new { message = "Thank you — an analyst is reproducing it." }, etag, "acknowledged");
        var acknowledged = (await acknowledgements.WaitForAsync(all => all.Any(m => Tn(m) == report.TrackingNumber), TimeSpan.FromSeconds(30)))
            .Single(m => Tn(m) == report.TrackingNumber);
        Assert.Equal("Thank you — an analyst is reproducing it.", acknowledged.Message.GetProperty("message").GetString());
        Assert.Equal(triage.Analyst.ToString(), acknowledged.Message.GetProperty("acknowledgedBy").GetProperty("id").GetString());

        // Acknowledging twice names the state the case is in.
        var twice = await client.SendAsync(triage.Request(HttpMethod.Post, $"{url}/acknowledge", triage.AnalystToken, Json(new { message = "again" }), etag));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("is acknowledged", await twice.Content.ReadAsStringAsync());

        etag = await CommandAsync(url, "request-information", new { question = "Which version did you test?" }, etag, "needs-info");
        await RawPublisher.PublishAsync(triage.Servers, new ReporterMessagePosted(report.ReportId, report.TrackingNumber, Guid.NewGuid(),
            "Version 4.2.1", [], Actor.AnonymousReporter, DateTimeOffset.UtcNow));
        (view, etag) = await WaitForStateAsync(report.TrackingNumber, "acknowledged");
        Assert.Equal(report.Description, view.GetProperty("description").GetString());
        Assert.Equal([("staff", "Thank you — an analyst is reproducing it."), ("staff", "Which version did you test?"), ("reporter", "Version 4.2.1")],
            view.GetProperty("thread").EnumerateArray().Select(m => (m.GetProperty("from").GetString(), m.GetProperty("text").GetString())));
        var attachment = Guid.NewGuid();
        await RawPublisher.PublishAsync(triage.Servers, new AttachmentAdded(report.ReportId, report.TrackingNumber, attachment, "poc.html", 1234,
            new string('a', 64), "text/html", Actor.AnonymousReporter, DateTimeOffset.UtcNow));
        (view, etag) = await WaitForAsync(report.TrackingNumber, v => v.GetProperty("attachments").GetArrayLength() == 1);
        Assert.Equal(attachment, view.GetProperty("attachments")[0].GetProperty("id").GetGuid());

        etag = await CommandAsync(url, "assess", new { cvssVector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", cwe = "CWE-89" }, etag, "acknowledged");
        etag = await CommandAsync(url, "validate", new { explanation = "Reproduced on 4.2.1." }, etag, "validated");
        etag = await CommandAsync(url, "plan", new { plan = "Fix in 4.3.0.", targetFixDate = "2026-12-15", proposedDisclosureDate = "2027-01-15" }, etag, "remediation-planned");
        etag = await CommandAsync(url, "updates", new { text = "The fix is in review." }, etag, "remediation-planned");
        etag = await CommandAsync(url, "fixed", new { fixedVersion = "4.3.0" }, etag, "fixed");
        await CommandAsync(url, "close", null, etag, "closed");

        var final = await (await client.SendAsync(triage.Request(HttpMethod.Get, url, triage.AnalystToken))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(9.3m, final.GetProperty("cvssScore").GetDecimal());
        Assert.Equal("Critical", final.GetProperty("severity").GetString());
        Assert.Equal("CWE-89", final.GetProperty("cwe").GetString());
        Assert.Equal("resolved", final.GetProperty("closedReason").GetString());
        var metrics = await (await client.SendAsync(triage.Request(HttpMethod.Get, "/api/triage/cases/metrics", triage.AnalystToken))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(metrics.GetProperty("cases").GetInt32() >= 1);
        Assert.True(metrics.GetProperty("timeToFix").GetProperty("count").GetInt32() >= 1);
        Assert.Equal(["opened", "acknowledged", "information-requested", "reporter-replied", "attachment-added", "assessed", "validated", "remediation-planned",
            "progress-update", "fixed", "closed"], final.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task Fraud_and_general_questions_open_no_case_and_a_withdrawn_report_closes_its_case()
    {
        var fraud = await SubmitAsync(ReportKinds.Fraud);
        var report = await SubmitAsync(ReportKinds.Vulnerability);
        await OpenedAsync(report.TrackingNumber); // the queue is in order: the fraud report was handled before
        using var client = triage.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(triage.Request(HttpMethod.Get, $"/api/triage/cases/{fraud.TrackingNumber}", triage.AnalystToken))).StatusCode);

        await RawPublisher.PublishAsync(triage.Servers, new ReportWithdrawn(report.ReportId, report.TrackingNumber, "Sent by mistake",
            Actor.AnonymousReporter, DateTimeOffset.UtcNow));
        var (view, _) = await WaitForStateAsync(report.TrackingNumber, "closed");
        Assert.Equal("withdrawn", view.GetProperty("closedReason").GetString());
    }

    [Fact]
    public async Task The_same_report_delivered_twice_opens_one_case()
    {
        using var consumed = new ConsumedMessages();
        var report = await SubmitAsync(ReportKinds.Vulnerability);
        var replay = Guid.NewGuid();
        await RawPublisher.PublishAsync(triage.Servers, report, replay); // a replay with another message id
        await OpenedAsync(report.TrackingNumber);
        Assert.True(await consumed.WaitForAsync(replay, nameof(VulnPlatform.Triage.Cases.ReportSubmittedConsumer), TimeSpan.FromSeconds(30)), "the replay was not consumed");
        using var client = triage.Client();
        var view = await (await client.SendAsync(triage.Request(HttpMethod.Get, $"/api/triage/cases/{report.TrackingNumber}", triage.AnalystToken)))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Single(view.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task Only_analysts_and_coordinators_reach_cases()
    {
        var report = await SubmitAsync(ReportKinds.Vulnerability);
        await OpenedAsync(report.TrackingNumber);
        using var client = triage.Client();
        var url = $"/api/triage/cases/{report.TrackingNumber}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(triage.Request(HttpMethod.Get, url, null))).StatusCode);
        foreach (var role in new[] { "reporter", "vendor", "admin" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(triage.Request(HttpMethod.Get, url, triage.Tokens.Person(Guid.NewGuid(), role)))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(triage.Request(HttpMethod.Get, url, triage.Tokens.Person(Guid.NewGuid(), "coordinator")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(triage.Request(HttpMethod.Get, url, triage.Tokens.Expired(triage.Analyst, "analyst")))).StatusCode);

        var queue = await (await client.SendAsync(triage.Request(HttpMethod.Get, "/api/triage/cases?pageSize=200", triage.AnalystToken))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("trackingNumber").GetString() == report.TrackingNumber);
    }

    [Fact]
    public async Task Bad_command_bodies_are_refused_with_the_reason_and_change_nothing()
    {
        var report = await SubmitAsync(ReportKinds.Vulnerability);
        var (_, etag) = await OpenedAsync(report.TrackingNumber);
        using var client = triage.Client();
        var url = $"/api/triage/cases/{report.TrackingNumber}";
        foreach (var (action, body, reason) in new (string, object, string)[]
                 {
                     ("acknowledge", new { message = "" }, "Message"),
                     ("acknowledge", new { message = "hi\u202Eevil" }, "Message"),
                     ("reject", new { reason = "boring", explanation = "x" }, "Reason"),
                     ("reject", new { reason = "duplicate", explanation = "x" }, "original"),
                     ("assess", new { cvssVector = "CVSS:3.1/AV:N" }, "missing"),
                     ("assess", new { cwe = "79" }, "CWE-79"),
                     ("plan", new { plan = "p", targetFixDate = "2027-02-01", proposedDisclosureDate = "2027-01-01" }, "disclosure"),
                 })
        {
            var response = await client.SendAsync(triage.Request(HttpMethod.Post, $"{url}/{action}", triage.AnalystToken, Json(body), etag));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        }
        var (view, after) = await OpenedAsync(report.TrackingNumber);
        Assert.Equal(etag, after);
        Assert.Equal("new", view.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Similar_cases_are_suggested_and_a_duplicate_rejection_links_both_cases()
    {
        var original = await SubmitAsync(ReportKinds.Vulnerability, "Blind SQL injection in the login form of the shop", "Tundra Shop");
        var again = await SubmitAsync(ReportKinds.Vulnerability, "Blind SQL injection in login form", "Tundra Shop");
        var unrelated = await SubmitAsync(ReportKinds.Vulnerability, "Weak TLS ciphers on the mail server", "Mailer");
        await OpenedAsync(original.TrackingNumber);
        await OpenedAsync(unrelated.TrackingNumber);
        var (_, etag) = await OpenedAsync(again.TrackingNumber);

        using var client = triage.Client();
        var similar = await (await client.SendAsync(triage.Request(HttpMethod.Get, $"/api/triage/cases/{again.TrackingNumber}/similar", triage.AnalystToken)))
            .Content.ReadFromJsonAsync<JsonElement>();
        var numbers = similar.EnumerateArray().Select(s => s.GetProperty("trackingNumber").GetString()).ToList();
        Assert.Contains(original.TrackingNumber, numbers);
        Assert.DoesNotContain(unrelated.TrackingNumber, numbers);
        Assert.DoesNotContain(again.TrackingNumber, numbers);

        var unknown = await client.SendAsync(triage.Request(HttpMethod.Post, $"/api/triage/cases/{again.TrackingNumber}/reject", triage.AnalystToken,
            Json(new { reason = "duplicate", explanation = "Known.", duplicateOf = "VR-2026-999999" }), etag));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        await CommandAsync($"/api/triage/cases/{again.TrackingNumber}", "reject",
            new { reason = "duplicate", explanation = "Reported before; you will hear how it goes.", duplicateOf = original.TrackingNumber }, etag, "rejected");
        var (originalView, _) = await OpenedAsync(original.TrackingNumber);
        Assert.Equal([again.TrackingNumber], originalView.GetProperty("duplicates").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task Anyone_scores_a_cvss_vector_and_a_bad_one_gets_the_reason()
    {
        using var client = triage.Client();
        var score = await client.GetFromJsonAsync<JsonElement>("/api/cvss?vector=" + Uri.EscapeDataString("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        Assert.Equal("3.1", score.GetProperty("version").GetString());
        Assert.Equal(9.8m, score.GetProperty("baseScore").GetDecimal());
        Assert.Equal("Critical", score.GetProperty("severity").GetString());
        var bad = await client.GetAsync("/api/cvss?vector=" + Uri.EscapeDataString("CVSS:4.0/AV:N"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("missing", await bad.Content.ReadAsStringAsync());
    }

    // ---- helpers ----

    private static JsonContent Json(object? body) => JsonContent.Create(body ?? new { });

    private static string? Tn(RawMessage m) => m.Message.GetProperty("trackingNumber").GetString();

    [Fact]
    public async Task A_file_that_arrives_before_its_report_is_in_the_case_all_the_same()
    {
        // A file uploaded right after the report travels on another queue and may be consumed first.
        var number = Interlocked.Increment(ref _next);
        var report = new ReportSubmitted(Guid.CreateVersion7(), $"VR-2026-{number:D6}", ReportKinds.Vulnerability, "Early file", "The file came first.",
            new AffectedProduct("Acme", "Shop", "4.2.1"), false, "Steps", "Impact", null, true, Actor.AnonymousReporter, DateTimeOffset.UtcNow);
        var attachment = Guid.NewGuid();
        var early = Guid.NewGuid();
        using (var consumed = new ConsumedMessages())
        {
            await RawPublisher.PublishAsync(triage.Servers, new AttachmentAdded(report.ReportId, report.TrackingNumber, attachment, "early.txt", 42,
                new string('b', 64), "text/plain", Actor.AnonymousReporter, DateTimeOffset.UtcNow), early);
            Assert.True(await consumed.WaitForAsync(early, nameof(VulnPlatform.Triage.Cases.AttachmentAddedConsumer), TimeSpan.FromSeconds(30)),
                "the file was not consumed before its report"); // and no case holds it yet
        }
        await RawPublisher.PublishAsync(triage.Servers, report);

        var (view, _) = await WaitForAsync(report.TrackingNumber, v => v.GetProperty("attachments").GetArrayLength() == 1);
        Assert.Equal(attachment, view.GetProperty("attachments")[0].GetProperty("id").GetGuid());
        Assert.Equal("early.txt", view.GetProperty("attachments")[0].GetProperty("fileName").GetString());
    }

    private async Task<ReportSubmitted> SubmitAsync(string kind, string title = "SQL injection in login", string product = "Shop")
    {
        var number = Interlocked.Increment(ref _next);
        var report = new ReportSubmitted(Guid.CreateVersion7(), $"VR-2026-{number:D6}", kind, title, "The user name reaches SQL.",
            new AffectedProduct("Acme", product, "4.2.1"), false, "' or 1=1 --", "Database read", "CWE-89", true, Actor.AnonymousReporter,
            DateTimeOffset.UtcNow);
        await RawPublisher.PublishAsync(triage.Servers, report);
        return report;
    }

    private Task<(JsonElement View, string ETag)> OpenedAsync(string trackingNumber) => WaitForStateAsync(trackingNumber, null);

    private Task<(JsonElement View, string ETag)> WaitForStateAsync(string trackingNumber, string? state) =>
        WaitForAsync(trackingNumber, view => state is null || view.GetProperty("state").GetString() == state);

    private async Task<(JsonElement View, string ETag)> WaitForAsync(string trackingNumber, Func<JsonElement, bool> condition)
    {
        using var client = triage.Client();
        (JsonElement, string)? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            var response = await client.SendAsync(triage.Request(HttpMethod.Get, $"/api/triage/cases/{trackingNumber}", triage.AnalystToken));
            if (response.StatusCode != HttpStatusCode.OK) return false;
            var view = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (!condition(view)) return false;
            found = (view, response.Headers.ETag!.Tag);
            return true;
        }, TimeSpan.FromSeconds(30));
        return found ?? throw new Xunit.Sdk.XunitException($"case {trackingNumber} did not reach the expected state");
    }

    private async Task<string> CommandAsync(string url, string action, object? body, string etag, string expectedState)
    {
        using var client = triage.Client();
        var response = await client.SendAsync(triage.Request(HttpMethod.Post, $"{url}/{action}", triage.AnalystToken, Json(body), etag));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(expectedState, view.GetProperty("state").GetString());
        return response.Headers.ETag!.Tag;
    }
}
