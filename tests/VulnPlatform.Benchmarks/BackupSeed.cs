extern alias intake;
extern alias triage;
using System.Diagnostics;
using System.Security.Cryptography;
using JasperFx.Events.Projections;
using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Calendar;
using ReportFiled = intake::VulnPlatform.Intake.Reports.ReportFiled;
using ReporterContactGiven = intake::VulnPlatform.Intake.Reports.ReporterContactGiven;
using ProductDetails = intake::VulnPlatform.Intake.Reports.ProductDetails;
using ReportStatusProjection = intake::VulnPlatform.Intake.Reports.Following.ReportStatusProjection;
using ReportStatusView = intake::VulnPlatform.Intake.Reports.Following.ReportStatusView;
using TriageModule = triage::VulnPlatform.Triage.TriageModule;
using SlaOptions = triage::VulnPlatform.Triage.Sla.SlaOptions;

/// <summary>
/// `--seed-reports N --postgres <server>` (make bench-backup): N reports in Intake's database as
/// Intake writes them (its events, its status-view projection, a sealed contact of the usual size)
/// and N cases in Triage's, so that a backup and a restore can be timed over a platform that size.
/// </summary>
static class BackupSeed
{
    public static async Task<int> RunAsync(string server, int count)
    {
        var watch = Stopwatch.StartNew();
        await using (var intakeStore = await BenchStore.StartAsync(server, "vp_intake", options =>
        {
            options.Events.AddEventTypes([typeof(ReportFiled), typeof(ReporterContactGiven)]);
            options.Projections.Add<ReportStatusProjection>(ProjectionLifecycle.Inline);
            options.Schema.For<ReportStatusView>().UniqueIndex(view => view.TrackingNumber);
        }, keep: true))
        {
            var start = DateTimeOffset.UtcNow.AddDays(-365);
            foreach (var chunk in Enumerable.Range(0, count).Chunk(1000))
            {
                await using var session = intakeStore.Store.LightweightSession();
                foreach (var i in chunk)
                {
                    var id = Guid.CreateVersion7();
                    var at = start.AddMinutes(i * 5);
                    session.Events.StartStream(id,
                        new ReportFiled(id, $"VR-B-{i:D7}", "vulnerability", $"Seeded report {i}: reflected XSS in the search page",
                            "The q parameter of /search is echoed into the page without encoding; a crafted link runs script in the victim's session. " +
                            "Seen on the production site and on staging.", new ProductDetails("Acme", "Portal", "5.2"), false,
                            "1. Open /search?q=<script>alert(1)</script>\n2. The alert shows.", "Script runs in the session of anyone who follows a link.",
                            "CWE-79", Anonymous: false, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), Actor.AnonymousReporter, at),
                        new ReporterContactGiven(id, RandomNumberGenerator.GetBytes(160), at));
                }
                await session.SaveChangesAsync();
            }
        }
        await using (var triageStore = await BenchStore.StartAsync(server, "vp_triage",
            options => TriageModule.ConfigureStore(options, new BusinessCalendar(new BusinessCalendarOptions()), new SlaOptions()), keep: true))
        {
            await TriageQueueBench.SeedAsync(triageStore.Store, count);
        }
        Console.WriteLine($"backup bench: {count} reports (Intake events and status views) and {count} triage cases seeded in {watch.Elapsed.TotalSeconds:F0} s");
        return 0;
    }
}
