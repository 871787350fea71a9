using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

/// <summary>What Triage publishes for the reporter reaches the status view, once, in order with the reporter's own messages.</summary>
[Collection(IntakeCollection.Name)]
public sealed class StaffMessageTests(IntakeFixture intake)
{
    private static readonly Actor Analyst = new(ActorKinds.Staff, "analyst-7");

    private IBus Bus => intake.Services.GetRequiredService<IBus>();

    private async Task<JsonElement> ViewAsync(SubmitReportResponse report) =>
        await (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report))).Content.ReadFromJsonAsync<JsonElement>();

    private async Task<JsonElement> ViewWhenAsync(SubmitReportResponse report, Func<JsonElement, bool> condition)
    {
        JsonElement view = default;
        await Eventually.HoldsAsync(async () => condition(view = await ViewAsync(report)), TimeSpan.FromSeconds(30));
        return view;
    }

    private static int StaffMessages(JsonElement view) =>
        view.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("from").GetString() == "staff");

    [Fact]
    public async Task An_acknowledgement_delivered_twice_shows_once_and_acknowledges_the_report()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var caseId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var acknowledged = new ReportAcknowledged(caseId, report.ReportId, report.TrackingNumber,
            "Thank you, we are looking into it.", Analyst, DateTimeOffset.UtcNow);

        var deliveries = new Deliveries();
        using var observing = Bus.ConnectConsumeObserver(deliveries);

        await Bus.Publish(acknowledged, c => c.MessageId = messageId);
        await Bus.Publish(acknowledged, c => c.MessageId = messageId);
        Assert.True(await deliveries.ReachAsync(messageId, 2), "both deliveries were consumed");
        var update = NewId.NextGuid();
        await Bus.Publish(new ProgressUpdatePosted(caseId, report.ReportId, report.TrackingNumber, "Reproduced.", Analyst, DateTimeOffset.UtcNow.AddSeconds(1)),
            c => c.MessageId = update);
        Assert.True(await deliveries.ReachAsync(update, 1));

        var view = await ViewAsync(report);
        Assert.Equal(["Thank you, we are looking into it.", "Reproduced."],
            view.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
        Assert.Equal("acknowledged", view.GetProperty("status").GetString());
        Assert.Contains(view.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("event").GetString() == "acknowledged");
    }

    [Fact]
    public async Task The_consumer_continues_the_publishers_trace_into_the_event_it_appends()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        using var source = new ActivitySource("VulnPlatform.Tests.Triage");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        string traceId;
        using (var triage = source.StartActivity("triage acknowledges"))
        {
            traceId = triage!.TraceId.ToString();
            await Bus.Publish(new ReportAcknowledged(Guid.NewGuid(), report.ReportId, report.TrackingNumber, "Seen.", Analyst, DateTimeOffset.UtcNow));
        }
        await ViewWhenAsync(report, v => StaffMessages(v) == 1);

        await using var session = intake.Store.QuerySession();
        var appended = (await session.Events.FetchStreamAsync(report.ReportId)).Single(e => e.Data is VulnPlatform.Intake.Reports.StaffMessageReceived);
        Assert.Equal(traceId, appended.GetHeader("traceparent")?.ToString()?.Split('-')[1]);
    }

    [Fact]
    public async Task A_question_waits_for_the_reporters_answer()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var asked = DateTimeOffset.UtcNow;

        await Bus.Publish(new MoreInformationRequested(Guid.NewGuid(), report.ReportId, report.TrackingNumber,
            "Which browser did you use?", Analyst, asked));
        var waiting = await ViewWhenAsync(report, v => StaffMessages(v) == 1);
        var answer = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/messages",
            JsonContent.Create(new { text = "Firefox 133." })));
        var answered = await ViewAsync(report);

        Assert.Equal("more-information-requested", waiting.GetProperty("status").GetString());
        Assert.True(answer.IsSuccessStatusCode);
        Assert.Equal("acknowledged", answered.GetProperty("status").GetString());
        Assert.Equal([("staff", "Which browser did you use?"), ("reporter", "Firefox 133.")],
            answered.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("from").GetString(), m.GetProperty("text").GetString())));
    }

    [Fact]
    public async Task The_reporter_sees_which_vendor_was_notified_when_and_what_it_was_told()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var notified = new VulnPlatform.Contracts.VendorCoordination.VendorNotified(report.ReportId, report.ReportId, report.TrackingNumber, Guid.NewGuid(),
            "A stored XSS in the review form of your shop software.", new Actor(ActorKinds.Staff, "coordinator-1"), DateTimeOffset.UtcNow, "Acme Software");
        await Bus.Publish(notified, c => c.MessageId = NewId.NextGuid());

        var view = await ViewWhenAsync(report, v => v.GetProperty("sharedWithVendors").GetArrayLength() == 1);
        var shared = view.GetProperty("sharedWithVendors")[0];
        Assert.Equal("Acme Software", shared.GetProperty("organisation").GetString());
        Assert.Equal("A stored XSS in the review form of your shop software.", shared.GetProperty("summary").GetString());
        Assert.Contains(view.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("event").GetString() == "vendor-notified");
        Assert.Equal(0, StaffMessages(view)); // not a message from the team
    }
}
