extern alias coordination;
using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using VulnPlatform.ServiceDefaults.Calendar;
using VulnPlatform.ServiceDefaults.Persistence;
using CoordinationCase = coordination::VulnPlatform.VendorCoordination.Cases.CoordinationCase;
using CoordinationModule = coordination::VulnPlatform.VendorCoordination.VendorCoordinationModule;
using VendorDeadlineOptions = coordination::VulnPlatform.VendorCoordination.Cases.VendorDeadlineOptions;
using VendorEntry = coordination::VulnPlatform.VendorCoordination.Cases.VendorEntry;

/// <summary>
/// `make bench-coordination`: the vendor's own queue (its organisation's cases, newest first, a page
/// of 50 and the total) and the coordinator's overdue queue over N cases with 5 vendors each, drawn
/// from 500 organisations, on a database of its own.
/// </summary>
static class CoordinationQueueBench
{
    public static async Task<int> RunAsync(string server, int count)
    {
        await using var bench = await BenchStore.StartAsync(server, "vp_coordination_queue_bench",
            options => CoordinationModule.ConfigureStore(options, new BusinessCalendar(new BusinessCalendarOptions()), new VendorDeadlineOptions()));
        {
            var store = bench.Store;

            var organisations = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).ToArray();
            var random = new Random(7);
            var start = DateTimeOffset.UtcNow.AddDays(-365);
            var watch = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(0, count).Chunk(2_000))
            {
                await store.BulkInsertDocumentsAsync(chunk.Select(i =>
                {
                    var vendors = organisations.OrderBy(_ => random.Next()).Take(5).ToList();
                    return new CoordinationCase
                    {
                        Id = Guid.CreateVersion7(), ReportId = Guid.NewGuid(), TrackingNumber = $"VR-C-{i:D7}", OpenedAt = start.AddMinutes(i * 50),
                        Vendors = [.. vendors.Select(o => new VendorEntry { OrganisationId = o, Name = $"Vendor {o:N}", AddedAt = start.AddMinutes(i * 50) })],
                        OrganisationIds = vendors, Overdue = i % 20 == 0, NextDeadlineAt = i % 3 == 0 ? start.AddMinutes(i * 50).AddDays(7) : null, Version = 3,
                    };
                }));
            }
            await bench.VacuumAsync();
            Console.WriteLine($"coordination queue: {count} cases x 5 vendors seeded in {watch.Elapsed.TotalSeconds:F1} s");

            async Task<(double P50, double P99)> TimeAsync(Func<IQuerySession, int, Task<int>> query)
            {
                var latencies = new List<double>();
                for (var round = 0; round < 60; round++)
                {
                    await using var session = store.QuerySession();
                    var timer = Stopwatch.StartNew();
                    var found = await query(session, round);
                    timer.Stop();
                    if (round >= 10) latencies.Add(timer.Elapsed.TotalMilliseconds);
                    if (found == 0) throw new InvalidOperationException("the queue came back empty");
                }
                latencies.Sort();
                return (latencies[latencies.Count / 2], latencies[^1]);
            }

            var vendor = await TimeAsync(async (session, round) =>
            {
                var organisation = organisations[round % organisations.Length];
                var query = session.Query<CoordinationCase>().Where(c => c.OrganisationIds.Contains(organisation));
                var total = await query.CountAsync();
                var page = await query.OrderByDescending(c => c.OpenedAt).Take(50).ToListAsync();
                return total + page.Count;
            });
            Console.WriteLine($"coordination queue: a vendor's cases (page of 50 + total, ~{count * 5 / organisations.Length} each) over {count} cases: p50 {vendor.P50:F1} ms  p99 {vendor.P99:F1} ms");
            var overdue = await TimeAsync(async (session, _) =>
            {
                var query = session.Query<CoordinationCase>().Where(c => c.Overdue);
                var total = await query.CountAsync();
                var page = await query.OrderByDescending(c => c.OpenedAt).Take(50).ToListAsync();
                return total + page.Count;
            });
            Console.WriteLine($"coordination queue: the coordinator's overdue cases (page of 50 + total) over {count} cases: p50 {overdue.P50:F1} ms  p99 {overdue.P99:F1} ms");
            return 0;
        }
    }
}
