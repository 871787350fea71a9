using System.Diagnostics.Metrics;
using Marten;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Telemetry;
using VulnPlatform.Triage.Sla;

namespace VulnPlatform.Triage.Cases;

/// <summary>
/// How triage keeps its promises, as OpenTelemetry instruments (recorded when a step happens) and as
/// <c>GET /api/triage/metrics?from=&amp;to=</c> over the cases submitted in a period: time to the human
/// acknowledgement, to a decision (validated or rejected) and to a fix (median and 90th percentile,
/// hours), and the share of cases that met their acknowledgement deadline and missed no update.
/// </summary>
public sealed class TriageMetrics
{
    private readonly Histogram<double> _toAcknowledgement;
    private readonly Histogram<double> _toDecision;
    private readonly Histogram<double> _toFix;
    private readonly Counter<long> _missed;

    public TriageMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PlatformTelemetry.SourceName);
        _toAcknowledgement = meter.CreateHistogram<double>("vulnplatform.triage.time_to_acknowledgement", "h", "Submission to the human acknowledgement");
        _toDecision = meter.CreateHistogram<double>("vulnplatform.triage.time_to_decision", "h", "Submission to validation or rejection");
        _toFix = meter.CreateHistogram<double>("vulnplatform.triage.time_to_fix", "h", "Submission to the fix");
        _missed = meter.CreateCounter<long>("vulnplatform.triage.sla_missed", "{deadline}", "Deadlines that passed (tag clock)");
    }

    /// <summary>Records what the appended events mean for the instruments.</summary>
    public void Record(CaseView view, IEnumerable<object> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case AcknowledgementGiven a: _toAcknowledgement.Record(Hours(view.SubmittedAt, a.At)); break;
                case ValidationConfirmed v: _toDecision.Record(Hours(view.SubmittedAt, v.At)); break;
                case RejectionDecided r: _toDecision.Record(Hours(view.SubmittedAt, r.At)); break;
                case FixConfirmed f: _toFix.Record(Hours(view.SubmittedAt, f.At)); break;
                case SlaMissed m: _missed.Add(1, new KeyValuePair<string, object?>("clock", m.Clock)); break;
            }
        }
    }

    public static void MapMetrics(RouteGroupBuilder cases) =>
        cases.MapGet("/metrics", async (DateTimeOffset? from, DateTimeOffset? to, IQuerySession session, TimeProvider time, CancellationToken ct) =>
        {
            var until = to ?? time.GetUtcNow();
            var since = from ?? until.AddDays(-90);
            if (since >= until || until - since > TimeSpan.FromDays(3660))
            {
                return Results.Problem(statusCode: 400, type: ProblemTypes.Validation, title: "Invalid period",
                    detail: "'from' comes before 'to', and a period is at most ten years.");
            }
            var cases = await session.Query<CaseView>().Where(v => v.SubmittedAt >= since && v.SubmittedAt < until).ToListAsync(ct);
            return Results.Ok(Summarise(cases, since, until, time.GetUtcNow()));
        }).WithName("TriageMetrics");

    public static TriageSummary Summarise(IReadOnlyList<CaseView> cases, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        static DateTimeOffset? First(CaseView v, params string[] events) => v.History.FirstOrDefault(h => events.Contains(h.Event))?.At;
        Duration Of(Func<CaseView, DateTimeOffset?> step) => Duration.From(cases
            .Select(v => step(v) is { } at ? Hours(v.SubmittedAt, at) : (double?)null).OfType<double>().ToList());

        // A case counts for compliance once its acknowledgement deadline has passed or it was acknowledged.
        var judged = cases.Where(v => v.AcknowledgedAt is not null || v.AcknowledgementDueAt <= now).ToList();
        var kept = judged.Count(v => v.AcknowledgedAt is { } at && at <= v.AcknowledgementDueAt
                                     && !v.History.Any(h => h.Event == $"{SlaClocks.Update}-deadline-missed"));
        return new TriageSummary(from, to, cases.Count,
            Of(v => v.AcknowledgedAt), Of(v => First(v, "validated", "rejected")), Of(v => First(v, "fixed")),
            judged.Count == 0 ? null : Math.Round((double)kept / judged.Count, 4));
    }

    private static double Hours(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalHours;
}

public sealed record TriageSummary(
    DateTimeOffset From, DateTimeOffset To, int Cases, Duration TimeToAcknowledgement, Duration TimeToDecision, Duration TimeToFix,
    double? SlaComplianceRate);

/// <summary>Hours, over the cases that reached the step.</summary>
public sealed record Duration(int Count, double? MedianHours, double? P90Hours)
{
    public static Duration From(List<double> hours)
    {
        if (hours.Count == 0) return new Duration(0, null, null);
        hours.Sort();
        double At(double p) => Math.Round(hours[Math.Min(hours.Count - 1, (int)Math.Ceiling(p * hours.Count) - 1)], 2);
        return new Duration(hours.Count, At(0.5), At(0.9));
    }
}
