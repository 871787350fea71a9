using VulnPlatform.Triage.Cases;

namespace VulnPlatform.Triage.Tests;

/// <summary>The metrics over a period: durations to each step (median, p90) and the SLA compliance rate.</summary>
[Trait("Servers", "none")]
public sealed class TriageMetricsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static CaseView Case(int hoursToAcknowledge, int? hoursToDecision = null, bool missedUpdate = false, int? hoursToFix = null)
    {
        var view = new CaseView { SubmittedAt = Start, AcknowledgementDueAt = Start.AddHours(24) };
        view.History.Add(new HistoryEntry(Start, "opened", null, null));
        view.AcknowledgedAt = Start.AddHours(hoursToAcknowledge);
        view.History.Add(new HistoryEntry(view.AcknowledgedAt.Value, "acknowledged", "a", "hello"));
        if (hoursToDecision is { } d) view.History.Add(new HistoryEntry(Start.AddHours(d), "validated", "a", "yes"));
        if (missedUpdate) view.History.Add(new HistoryEntry(Start.AddDays(9), "update-deadline-missed", null, null));
        if (hoursToFix is { } f) view.History.Add(new HistoryEntry(Start.AddHours(f), "fixed", "a", null));
        return view;
    }

    [Fact]
    public void Medians_and_90th_percentiles_and_the_share_of_kept_deadlines()
    {
        var cases = new[]
        {
            Case(2, 48, hoursToFix: 240), Case(4, 72), Case(6), Case(10, 96, missedUpdate: true), Case(30), // the last was acknowledged late
        };
        var summary = TriageMetrics.Summarise(cases, Start, Start.AddDays(30), Start.AddDays(30));

        Assert.Equal(5, summary.Cases);
        Assert.Equal(new Duration(5, 6, 30), summary.TimeToAcknowledgement);
        Assert.Equal(new Duration(3, 72, 96), summary.TimeToDecision);
        Assert.Equal(new Duration(1, 240, 240), summary.TimeToFix);
        Assert.Equal(0.6, summary.SlaComplianceRate); // one late, one with a missed update
    }

    [Fact]
    public void A_period_without_cases_has_no_figures()
    {
        var summary = TriageMetrics.Summarise([], Start, Start.AddDays(1), Start.AddDays(1));
        Assert.Equal(new Duration(0, null, null), summary.TimeToAcknowledgement);
        Assert.Null(summary.SlaComplianceRate);
    }
}
