extern alias triage;
using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Persistence;
using CaseQueue = triage::VulnPlatform.Triage.Cases.CaseQueue;
using QueueFilter = triage::VulnPlatform.Triage.Cases.QueueFilter;
using CaseView = triage::VulnPlatform.Triage.Cases.CaseView;
using TriageModule = triage::VulnPlatform.Triage.TriageModule;
using BusinessCalendar = VulnPlatform.ServiceDefaults.Calendar.BusinessCalendar;
using BusinessCalendarOptions = VulnPlatform.ServiceDefaults.Calendar.BusinessCalendarOptions;
using SlaOptions = triage::VulnPlatform.Triage.Sla.SlaOptions;
using SlaClock = triage::VulnPlatform.Triage.Sla.SlaClock;
using CaseStarted = triage::VulnPlatform.Triage.Cases.CaseStarted;
using UpdateGiven = triage::VulnPlatform.Triage.Cases.UpdateGiven;
using CaseViewProjection = triage::VulnPlatform.Triage.Cases.CaseViewProjection;
using Actor = VulnPlatform.Contracts.Actor;

/// <summary>
/// `make bench-triage`: the staff queue's latency (the endpoint's own query: open cases by
/// nearest deadline, a page of 50 and the total) over N seeded cases, on a database of its own.
/// </summary>
static class TriageQueueBench
{
    /// <summary>N case views as the projection leaves them, one every five minutes over the past year; three in eight of them closed.</summary>
    public static async Task SeedAsync(IDocumentStore store, int count)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-365);
        var states = new[] { "new", "acknowledged", "needs-info", "validated", "remediation-planned", "closed", "closed", "closed" };
        foreach (var chunk in Enumerable.Range(0, count).Chunk(10_000))
        {
            await store.BulkInsertDocumentsAsync(chunk.Select(i => new CaseView
            {
                Id = Guid.CreateVersion7(), ReportId = Guid.NewGuid(), TrackingNumber = $"VR-B-{i:D7}", Title = $"Seeded case {i}",
                State = states[i % states.Length], SubmittedAt = start.AddMinutes(i * 5), AcknowledgementDueAt = start.AddMinutes(i * 5).AddHours(24),
                LastMessageToReporterAt = start.AddMinutes(i * 5), Version = 1,
                Sla = states[i % states.Length] == "closed" ? new SlaClock() : new SlaClock
                {
                    Deadline = "acknowledgement", DeadlineAt = start.AddMinutes(i * 5).AddHours(24), AcknowledgementDueAt = start.AddMinutes(i * 5).AddHours(24),
                },
            }));
        }
    }

    public static async Task<int> RunAsync(string server, int count)
    {
        await using var bench = await BenchStore.StartAsync(server, "vp_triage_queue_bench",
            options => TriageModule.ConfigureStore(options, new BusinessCalendar(new BusinessCalendarOptions()), new SlaOptions()));
        {
            var store = bench.Store;

            var watch = Stopwatch.StartNew();
            await SeedAsync(store, count);
            await bench.VacuumAsync(); // the steady state autovacuum keeps (visibility map for index-only counts)
            Console.WriteLine($"triage queue: {count} cases seeded in {watch.Elapsed.TotalSeconds:F1} s");

            var latencies = new List<double>();
            for (var round = 0; round < 60; round++)
            {
                await using var session = store.QuerySession();
                var timer = Stopwatch.StartNew();
                var (items, total) = await CaseQueue.PageAsync(session, new QueueFilter(), new Paging(1 + round % 10, 50), DateTimeOffset.UtcNow, CancellationToken.None);
                timer.Stop();
                if (round >= 10) latencies.Add(timer.Elapsed.TotalMilliseconds);
                if (items.Count != 50 || total == 0) throw new InvalidOperationException("the queue came back short");
            }
            latencies.Sort();
            if (Environment.GetEnvironmentVariable("VP_BENCH_EXPLAIN") is not null)
            {
                await using var session = store.QuerySession();
                var command = CaseQueue.PageCommand(session, new QueueFilter(), new Paging(3, 50), DateTimeOffset.UtcNow);
                await using var connection = new NpgsqlConnection(bench.ConnectionString);
                await connection.OpenAsync();
                var explain = new NpgsqlCommand("explain analyze " + command.CommandText, connection);
                foreach (NpgsqlParameter p in command.Parameters) explain.Parameters.Add(p.Clone());
                await using var plan = await explain.ExecuteReaderAsync();
                while (await plan.ReadAsync()) Console.WriteLine("  " + plan.GetString(0));
            }
            Console.WriteLine($"triage queue: page of 50 open cases (+ total) over {count} cases: p50 {latencies[latencies.Count / 2]:F1} ms  p99 {latencies[^1]:F1} ms");

            // A rebuild of the case view over `events` events (streams of ten: a case and nine updates).
            var events = int.Parse(Environment.GetEnvironmentVariable("VP_TRIAGE_EVENTS") ?? "1000000", System.Globalization.CultureInfo.InvariantCulture);
            var appending = Stopwatch.StartNew();
            var start = DateTimeOffset.UtcNow.AddDays(-365);
            var analyst = new Actor("staff", Guid.NewGuid().ToString());
            for (var written = 0; written < events;)
            {
                await using var session = store.LightweightSession();
                for (var s = 0; s < 1000 && written < events; s++, written += 10)
                {
                    var id = Guid.CreateVersion7();
                    var at = start.AddMinutes(written);
                    session.Events.StartStream(id, [new CaseStarted(id, id, $"VR-R-{written / 10:D7}", "Rebuild case", null, null, null, at, at),
                        .. Enumerable.Range(1, 9).Select(i => (object)new UpdateGiven(id, $"VR-R-{written / 10:D7}", $"Update {i}", analyst, at.AddHours(i)))]);
                }
                await session.SaveChangesAsync();
            }
            Console.WriteLine($"triage rebuild: {events} events appended in {appending.Elapsed.TotalSeconds:F1} s");
            using var daemon = await store.BuildProjectionDaemonAsync();
            var rebuilding = Stopwatch.StartNew();
            await daemon.RebuildProjectionAsync<CaseViewProjection>(CancellationToken.None);
            Console.WriteLine($"triage rebuild: the case view over {events} events rebuilt in {rebuilding.Elapsed.TotalSeconds:F1} s ({events / rebuilding.Elapsed.TotalSeconds:F0} events/s)");
            return 0;
        }
    }
}
