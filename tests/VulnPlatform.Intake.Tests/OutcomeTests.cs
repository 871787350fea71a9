using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Disclosure;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

/// <summary>The reporter sees the outcome the policy promises: the result and why, the plan and its dates, the fix, the close, the publication instant.</summary>
[Collection(IntakeCollection.Name)]
public sealed class OutcomeTests(IntakeFixture intake)
{
    private static readonly Actor Analyst = new(ActorKinds.Staff, "analyst-7");
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private IBus Bus => intake.Services.GetRequiredService<IBus>();

    [Theory]
    [InlineData("not-reproducible", null)]
    [InlineData("out-of-scope", null)]
    [InlineData("informative", null)]
    [InlineData("duplicate", "VR-2026-000001")]
    [InlineData("spam", null)]
    public async Task A_rejected_report_shows_not_a_vulnerability_with_the_reason_then_closed(string reason, string? duplicateOf)
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var caseId = Guid.NewGuid();
        // The close may overtake the result (two queues): the report still ends closed, with the result kept.
        await PublishAsync(new CaseClosed(caseId, report.ReportId, report.TrackingNumber, "rejected", Analyst, At.AddMinutes(5)));
        await PublishAsync(new CaseRejected(caseId, report.ReportId, report.TrackingNumber, reason, "We looked at it closely.", duplicateOf ?? "", Analyst, At));

        var view = await ViewWhenAsync(report, v => v.GetProperty("result").ValueKind == JsonValueKind.Object && v.GetProperty("closed").ValueKind == JsonValueKind.Object);
        Assert.Equal("closed", view.GetProperty("status").GetString());
        var result = view.GetProperty("result");
        Assert.Equal("not-a-vulnerability", result.GetProperty("outcome").GetString());
        Assert.Equal(reason, result.GetProperty("reason").GetString());
        Assert.Equal("We looked at it closely.", result.GetProperty("explanation").GetString());
        Assert.Equal(At, result.GetProperty("at").GetDateTimeOffset());
        if (duplicateOf is null) Assert.Equal(JsonValueKind.Null, result.GetProperty("duplicateOf").ValueKind);
        else Assert.Equal(duplicateOf, result.GetProperty("duplicateOf").GetString());
        Assert.Contains(view.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "We looked at it closely.");
        Assert.Contains(view.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("event").GetString() == "not-a-vulnerability");
    }

    [Fact]
    public async Task A_valid_finding_shows_its_result_plan_dates_publication_instant_as_it_moves_and_fix()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var caseId = Guid.NewGuid();
        await PublishAsync(new CaseValidated(caseId, report.ReportId, report.TrackingNumber, "Reproduced on 4.2.1.", Analyst, At));
        var view = await ViewWhenAsync(report, v => v.GetProperty("status").GetString() == "validated");
        Assert.Equal("validated", view.GetProperty("result").GetProperty("outcome").GetString());

        await PublishAsync(new RemediationPlanned(caseId, report.ReportId, report.TrackingNumber, "A patch in 4.3.", new DateOnly(2026, 12, 20), new DateOnly(2027, 1, 15),
            Analyst, At.AddDays(1)));
        view = await ViewWhenAsync(report, v => v.GetProperty("status").GetString() == "remediation-planned");
        var plan = view.GetProperty("plan");
        Assert.Equal("A patch in 4.3.", plan.GetProperty("plan").GetString());
        Assert.Equal("2026-12-20", plan.GetProperty("targetFixDate").GetString());
        Assert.Equal("2027-01-15", plan.GetProperty("proposedDisclosureDate").GetString());

        var instant = new DateTimeOffset(2027, 1, 15, 8, 0, 0, TimeSpan.Zero);
        await PublishAsync(new AdvisoriesScheduled(report.ReportId, report.TrackingNumber, instant, "Europe/Berlin", "2027-01-15T09:00+01:00", Analyst, At.AddDays(2)));
        view = await ViewWhenAsync(report, v => v.GetProperty("publication").ValueKind == JsonValueKind.Object);
        Assert.Equal(instant, view.GetProperty("publication").GetProperty("publishAt").GetDateTimeOffset());
        Assert.Equal("Europe/Berlin", view.GetProperty("publication").GetProperty("timeZone").GetString());

        // Moved, then an older "scheduled" delivered late: the move stands.
        var moved = instant.AddDays(7);
        await PublishAsync(new AdvisoriesRescheduled(report.ReportId, report.TrackingNumber, moved, "Europe/Berlin", "2027-01-22T09:00+01:00", Analyst, At.AddDays(3)));
        view = await ViewWhenAsync(report, v => v.GetProperty("publication").GetProperty("publishAt").GetDateTimeOffset() == moved);
        await PublishAsync(new AdvisoriesScheduled(report.ReportId, report.TrackingNumber, instant, "Europe/Berlin", "2027-01-15T09:00+01:00", Analyst, At.AddDays(2)));
        await PublishAsync(new CaseFixed(caseId, report.ReportId, report.TrackingNumber, "4.3.0", Analyst, At.AddDays(4)));
        view = await ViewWhenAsync(report, v => v.GetProperty("status").GetString() == "fixed");
        Assert.Equal("4.3.0", view.GetProperty("fix").GetProperty("fixedVersion").GetString());
        Assert.Equal(moved, view.GetProperty("publication").GetProperty("publishAt").GetDateTimeOffset());
        Assert.Contains(view.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("event").GetString() == "disclosure-moved");

        // Cancelled: no instant is promised any more.
        await PublishAsync(new AdvisoriesRescheduled(report.ReportId, report.TrackingNumber, null, null, null, Analyst, At.AddDays(5)));
        view = await ViewWhenAsync(report, v => v.GetProperty("publication").ValueKind == JsonValueKind.Null);
        Assert.Equal("fixed", view.GetProperty("status").GetString());
    }

    private async Task PublishAsync<T>(T message) where T : class
    {
        var deliveries = new Deliveries();
        using var observing = Bus.ConnectConsumeObserver(deliveries);
        var id = NewId.NextGuid();
        await Bus.Publish(message, c => c.MessageId = id);
        Assert.True(await deliveries.ReachAsync(id, 1), $"{typeof(T).Name} was not consumed");
    }

    private async Task<JsonElement> ViewWhenAsync(SubmitReportResponse report, Func<JsonElement, bool> condition)
    {
        JsonElement view = default;
        var held = await Eventually.HoldsAsync(async () =>
            condition(view = await (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report))).Content.ReadFromJsonAsync<JsonElement>()),
            TimeSpan.FromSeconds(30));
        Assert.True(held, $"the status view never got there: {view}");
        return view;
    }
}
