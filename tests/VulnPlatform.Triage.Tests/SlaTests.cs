using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Testing;
using VulnPlatform.Triage.Cases;
using VulnPlatform.Triage.Sla;

namespace VulnPlatform.Triage.Tests;

/// <summary>
/// The SLA clocks with a clock the test moves, and two instances of Triage on one database, both
/// watching: every warning and miss is recorded exactly once.
/// </summary>
public sealed class SlaTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero)); // a Monday
    private readonly TestTokens _tokens = new("https://localhost:8443/");
    private ServiceInstances<Program> _service = null!;

    private IReadOnlyList<WebApplicationFactory<Program>> Instances => _service.Instances;

    private TestServers Servers => _service.Servers;

    public async Task InitializeAsync() => _service = await ServiceInstances<Program>.StartAsync("triage_sla_test", 2, _clock, _tokens, new Dictionary<string, string> { ["Triage:Sla:PollInterval"] = Watches.OnlyAtStart });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Warnings_and_misses_are_recorded_once_the_acknowledgement_stops_its_clock_and_silence_ends_in_a_reminder_then_a_close()
    {
        await using var warnings = await RawSubscriber.StartAsync(Servers, "VulnPlatform.Contracts.Triage:SlaWarning");
        var report = new ReportSubmitted(Guid.CreateVersion7(), $"VR-2026-{Random.Shared.Next(100_000, 999_999)}", ReportKinds.Vulnerability,
            "XXE in import", "External entities resolve.", null, false, null, null, null, true, Actor.AnonymousReporter, _clock.GetUtcNow());
        await RawPublisher.PublishAsync(Servers, report);
        Assert.True(await Eventually.HoldsAsync(async () => (await EventsAsync(report.ReportId)).Count > 0, TimeSpan.FromSeconds(30)));

        // 20 h in: the acknowledgement is due in 4 h, staff are warned, once, whichever instance sees it.
        _clock.Advance(TimeSpan.FromHours(20) + TimeSpan.FromMinutes(1));
        await BothWatchAsync();
        await BothWatchAsync();
        Assert.Single(await EventsAsync<SlaWarned>(report.ReportId));
        Assert.Empty(await EventsAsync<SlaMissed>(report.ReportId));
        await warnings.WaitForAsync(all => all.Any(m => m.Message.GetProperty("caseId").GetGuid() == report.ReportId), TimeSpan.FromSeconds(30));

        // Past 24 h: missed, once.
        _clock.Advance(TimeSpan.FromHours(4));
        await BothWatchAsync();
        await BothWatchAsync();
        var missed = Assert.Single(await EventsAsync<SlaMissed>(report.ReportId));
        Assert.Equal(SlaClocks.Acknowledgement, missed.Clock);
        Assert.Equal(report.SubmittedAt.AddHours(24), missed.DueAt);

        // The human acknowledgement stops that clock; the update clock runs 5 business days from it.
        var acknowledged = await CommandAsync(report.TrackingNumber, "acknowledge", new { message = "Sorry for the wait; we are on it." });
        var clock = await ClockAsync(report.ReportId);
        Assert.Null(clock.AcknowledgementDueAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 1, 0, TimeSpan.Zero), clock.UpdateDueAt); // Tue 24 Nov 09:01 + 5 business days

        // A question pauses the update clock; 14 days of silence bring a reminder, 30 days a close.
        await CommandAsync(report.TrackingNumber, "request-information", new { question = "Can you share the import file?" }, acknowledged);
        Assert.Null((await ClockAsync(report.ReportId)).UpdateDueAt);
        _clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        await BothWatchAsync();
        Assert.Single(await EventsAsync<ReporterRemindedOfQuestion>(report.ReportId));
        Assert.Empty(await EventsAsync<SlaWarned>(report.ReportId, SlaClocks.Update));
        _clock.Advance(TimeSpan.FromDays(16));
        await BothWatchAsync();
        await BothWatchAsync();
        var closed = Assert.Single(await EventsAsync<CaseEnded>(report.ReportId));
        Assert.Equal(CloseReasons.NoResponse, closed.Reason);
        Assert.Null((await ClockAsync(report.ReportId)).NextAt);
    }

    [Fact]
    public async Task The_queue_shows_the_nearest_deadline_acknowledgement_then_update_flags_it_overdue_and_warns_the_assignee()
    {
        var report = new ReportSubmitted(Guid.CreateVersion7(), $"VR-2026-{Random.Shared.Next(100_000, 999_999)}", ReportKinds.Vulnerability,
            "SSRF in webhook preview", "The preview fetches internal URLs.", null, false, null, null, null, true, Actor.AnonymousReporter, _clock.GetUtcNow());
        await RawPublisher.PublishAsync(Servers, report);
        Assert.True(await Eventually.HoldsAsync(async () => (await EventsAsync(report.ReportId)).Count > 0, TimeSpan.FromSeconds(30)));

        var entry = (await QueueEntryAsync(report.TrackingNumber))!.Value;
        Assert.Equal("acknowledgement", entry.GetProperty("nextDeadline").GetString());
        Assert.Equal(report.SubmittedAt.AddHours(24), entry.GetProperty("nextDeadlineAt").GetDateTimeOffset());
        Assert.False(entry.GetProperty("overdue").GetBoolean());
        Assert.Null(await QueueEntryAsync(report.TrackingNumber, "overdue=true"));

        var analyst = Guid.NewGuid().ToString();
        await CommandAsync(report.TrackingNumber, "assign", new { analystId = analyst });
        _clock.Advance(TimeSpan.FromHours(25));
        Assert.True((await QueueEntryAsync(report.TrackingNumber, "overdue=true"))!.Value.GetProperty("overdue").GetBoolean());
        Assert.NotNull(await QueueEntryAsync(report.TrackingNumber, $"assignee={analyst}"));
        Assert.Null(await QueueEntryAsync(report.TrackingNumber, $"assignee={Guid.NewGuid()}"));

        // Acknowledged (Tue 24 Nov 10:00): the next deadline is the update, 5 business days on; warnings go to the assignee.
        await CommandAsync(report.TrackingNumber, "acknowledge", new { message = "Thanks, looking into it." }); // the watchers recorded the missed acknowledgement meanwhile: read afresh
        entry = (await QueueEntryAsync(report.TrackingNumber))!.Value;
        Assert.Equal("update", entry.GetProperty("nextDeadline").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), entry.GetProperty("nextDeadlineAt").GetDateTimeOffset());
        Assert.False(entry.GetProperty("overdue").GetBoolean());
        Assert.NotNull(await QueueEntryAsync(report.TrackingNumber, "dueBefore=2026-12-01T10:00:01Z"));
        Assert.Null(await QueueEntryAsync(report.TrackingNumber, "dueBefore=2026-12-01T09:59:59Z"));

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(3)); // Tue 1 Dec 07:00: 3 h before the update is due
        await BothWatchAsync();
        var warned = Assert.Single(await EventsAsync<SlaWarned>(report.ReportId, SlaClocks.Update));
        Assert.Equal(analyst, warned.AssigneeId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rejected_case_has_no_deadline_and_nothing_is_warned_of_or_missed_after_it(bool askedFirst)
    {
        var report = new ReportSubmitted(Guid.CreateVersion7(), $"VR-2026-{Random.Shared.Next(100_000, 999_999)}", ReportKinds.Vulnerability,
            "Clickjacking on the logout page", "The page can be framed.", null, false, null, null, null, true, Actor.AnonymousReporter, _clock.GetUtcNow());
        await RawPublisher.PublishAsync(Servers, report);
        Assert.True(await Eventually.HoldsAsync(async () => (await EventsAsync(report.ReportId)).Count > 0, TimeSpan.FromSeconds(30)));
        await CommandAsync(report.TrackingNumber, "acknowledge", new { message = "Thanks, looking into it." });
        if (askedFirst) await CommandAsync(report.TrackingNumber, "request-information", new { question = "Which browser did you use?" });
        await CommandAsync(report.TrackingNumber, "reject", new { reason = "informative", explanation = "Logout needs no framing protection." });

        var entry = (await QueueEntryAsync(report.TrackingNumber, "state=rejected"))!.Value;
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("nextDeadline").ValueKind);
        Assert.False(entry.GetProperty("overdue").GetBoolean());
        var clock = await ClockAsync(report.ReportId);
        Assert.Null(clock.NextAt);

        // Weeks later (past every update, reminder and no-response close it would have had): nothing happened to it.
        _clock.Advance(TimeSpan.FromDays(30));
        await BothWatchAsync();
        Assert.Empty(await EventsAsync<SlaWarned>(report.ReportId));
        Assert.Empty(await EventsAsync<SlaMissed>(report.ReportId));
        Assert.Empty(await EventsAsync<ReporterRemindedOfQuestion>(report.ReportId));
        Assert.IsType<RejectionDecided>((await EventsAsync(report.ReportId))[^1]);
        Assert.False((await QueueEntryAsync(report.TrackingNumber, "state=rejected"))!.Value.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task A_reporter_s_message_to_a_vendor_does_not_answer_the_team_s_question_one_to_the_team_does()
    {
        var report = new ReportSubmitted(Guid.CreateVersion7(), $"VR-2026-{Random.Shared.Next(100_000, 999_999)}", ReportKinds.Vulnerability,
            "Open redirect in login", "returnUrl is not checked.", null, false, null, null, null, true, Actor.AnonymousReporter, _clock.GetUtcNow());
        await RawPublisher.PublishAsync(Servers, report);
        Assert.True(await Eventually.HoldsAsync(async () => (await EventsAsync(report.ReportId)).Count > 0, TimeSpan.FromSeconds(30)));
        await CommandAsync(report.TrackingNumber, "acknowledge", new { message = "Thanks, looking into it." });
        await CommandAsync(report.TrackingNumber, "request-information", new { question = "Which version?" });

        var toVendor = new ReporterMessagePosted(report.ReportId, report.TrackingNumber, Guid.NewGuid(), "For the vendor: build 7 too.", [], Actor.AnonymousReporter,
            _clock.GetUtcNow(), ToVendorOrganisationId: Guid.NewGuid());
        var busMessageId = Guid.NewGuid();
        await RawPublisher.PublishAsync(Servers, toVendor, busMessageId);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var session = Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
            return await session.LoadAsync<ServiceDefaults.Messaging.ProcessedMessage>(
                ServiceDefaults.Messaging.IdempotentConsumer<ReporterMessagePosted>.RecordId("triage.reporter-message-posted", busMessageId)) is not null;
        }, TimeSpan.FromSeconds(30)), "the message to the vendor was not consumed");
        Assert.Empty(await EventsAsync<ReporterReplied>(report.ReportId));
        Assert.NotNull(await QueueEntryAsync(report.TrackingNumber, "state=needs-info"));

        var toTeam = toVendor with { MessageId = Guid.NewGuid(), Text = "Version 4.2.1.", ToVendorOrganisationId = null };
        await RawPublisher.PublishAsync(Servers, toTeam);
        Assert.True(await Eventually.HoldsAsync(async () => (await EventsAsync<ReporterReplied>(report.ReportId)).Count > 0, TimeSpan.FromSeconds(30)));
        Assert.Equal(toTeam.MessageId, Assert.Single(await EventsAsync<ReporterReplied>(report.ReportId)).MessageId);
        Assert.NotNull(await QueueEntryAsync(report.TrackingNumber, "state=acknowledged"));
    }

    [Fact]
    public async Task Queue_filters_that_make_no_sense_are_refused_with_the_reason()
    {
        using var client = Instances[0].CreateClient();
        foreach (var query in new[] { "state=sleeping", "sort=severity", $"assignee={new string('a', 65)}", "dueBefore=tomorrow" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/triage/cases?{query}");
            request.Headers.Authorization = new("Bearer", _tokens.Person(Guid.NewGuid(), "analyst"));
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private async Task<JsonElement?> QueueEntryAsync(string trackingNumber, string filter = "")
    {
        using var client = Instances[0].CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/triage/cases?pageSize=200&{filter}");
        request.Headers.Authorization = new("Bearer", _tokens.Person(Guid.NewGuid(), "analyst"));
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("trackingNumber").GetString() == trackingNumber) return item;
        }
        return null;
    }

    private Task BothWatchAsync() =>
        Task.WhenAll(Instances.Select(i => i.Services.GetRequiredService<SlaWatch>().RunOnceAsync(CancellationToken.None)));

    private async Task<List<object>> EventsAsync(Guid caseId)
    {
        await using var session = Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(caseId)).Select(e => e.Data).ToList();
    }

    private async Task<List<T>> EventsAsync<T>(Guid caseId, string? clock = null) =>
        (await EventsAsync(caseId)).OfType<T>().Where(e => clock is null || e is SlaWarned w && w.Clock == clock).ToList();

    private async Task<SlaClock> ClockAsync(Guid caseId)
    {
        await using var session = Instances[0].Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<SlaClock>(caseId))!;
    }

    private async Task<string> CommandAsync(string trackingNumber, string action, object body, string? etag = null)
    {
        using var client = Instances[1].CreateClient();
        var token = _tokens.Person(Guid.NewGuid(), "analyst");
        if (etag is null)
        {
            var read = new HttpRequestMessage(HttpMethod.Get, $"/api/triage/cases/{trackingNumber}");
            read.Headers.Authorization = new("Bearer", token);
            etag = (await client.SendAsync(read)).Headers.ETag!.Tag;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/triage/cases/{trackingNumber}/{action}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response.Headers.ETag!.Tag;
    }
}
