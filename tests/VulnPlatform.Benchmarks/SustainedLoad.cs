using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using VulnPlatform.Testing;

/// <summary>
/// Sustained load with every service running (make bench): reports offered at a fixed rate through
/// the gateway (open loop: a slow answer does not slow the offer), while the backlog is sampled —
/// each relay's lag behind its event store and the depth of every queue — and, after the load, the
/// time until both are back to zero. Then the end-to-end latency at a lower rate: from sending the
/// report to its receipt accepted by the SMTP server.
/// </summary>
static class SustainedLoad
{
    private static readonly string[] Services = ["intake", "triage", "notification", "vendorcoordination", "disclosure", "identity"];

    /// <summary>The relays behind at the last sample (service: events), for the report when the backlog did not drain.</summary>
    public static ConcurrentDictionary<string, long> LastLagging { get; } = new();

    public sealed record Backlog(long MaxRelayLag, long MaxQueueDepth, double DrainSeconds, bool Drained);

    public sealed record Offered(double TargetPerSecond, int Seconds, int Sent, int Created, int Failed, int Shed, double PerSecond, double P50, double P99, Backlog Backlog);

    public sealed record EndToEnd(int Count, int Received, double P50, double P99);

    /// <summary>Offers <paramref name="rate"/> reports/s for <paramref name="seconds"/> s with at most <paramref name="inFlight"/> outstanding.</summary>
    public static async Task<Offered> OfferAsync(BenchOptions options, int rate, int seconds, int inFlight = 512)
    {
        var clients = Enumerable.Range(0, 64).Select(_ => SubmissionLoad.CreateClient(options)).ToList();
        var latencies = new ConcurrentBag<double>();
        int created = 0, failed = 0, shed = 0;
        using var slots = new SemaphoreSlim(inFlight);
        using var sampling = new CancellationTokenSource();
        long maxLag = 0, maxDepth = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var (lag, depth) = await SampleAsync(options);
                maxLag = Math.Max(maxLag, lag);
                maxDepth = Math.Max(maxDepth, depth);
                await Task.Delay(1000);
            }
        });

        var total = rate * seconds;
        var tasks = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(1)) await Task.Delay(due);
            if (!slots.Wait(0))
            {
                Interlocked.Increment(ref shed); // the platform is this far behind: the offer is not kept
                continue;
            }
            var client = clients[i % clients.Count];
            tasks.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsJsonAsync("/api/reports", SubmissionLoad.Report);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        Interlocked.Increment(ref created);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed.TotalSeconds;
        sampling.Cancel();
        await sampler;

        // After the load: how long until every relay caught up and every queue is empty.
        var drain = Stopwatch.StartNew();
        var drained = false;
        while (drain.Elapsed < TimeSpan.FromMinutes(3))
        {
            var (lag, depth) = await SampleAsync(options);
            maxLag = Math.Max(maxLag, lag);
            maxDepth = Math.Max(maxDepth, depth);
            if (lag == 0 && depth == 0)
            {
                drained = true;
                break;
            }
            await Task.Delay(250);
        }
        clients.ForEach(c => c.Dispose());
        var sorted = latencies.Order().ToList();
        return new Offered(rate, seconds, total - shed, created, failed, shed, created / elapsed, Percentile(sorted, 0.5), Percentile(sorted, 0.99),
            new Backlog(maxLag, maxDepth, drain.Elapsed.TotalSeconds, drained));
    }

    /// <summary>Reports with a reporter's address at <paramref name="rate"/>/s: sending → the receipt written by the SMTP sink.</summary>
    public static async Task<EndToEnd> ReceiptLatencyAsync(BenchOptions options, int rate, int seconds)
    {
        var mail = Path.Combine(options.RunDirectory, "mail");
        var sent = new ConcurrentDictionary<string, DateTime>();
        var clients = Enumerable.Range(0, 16).Select(_ => SubmissionLoad.CreateClient(options)).ToList();
        var tasks = new List<Task>();
        var clock = Stopwatch.StartNew();
        var began = DateTime.UtcNow;
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(1)) await Task.Delay(due);
            var client = clients[i % clients.Count];
            var n = i;
            tasks.Add(Task.Run(async () =>
            {
                var at = DateTime.UtcNow;
                using var response = await client.PostAsJsonAsync("/api/reports", new
                {
                    title = "Benchmark: receipt latency", description = "Measured from sending to the receipt at the SMTP server.",
                    kind = "vulnerability", product = new { vendor = "Acme", name = "Shop", version = "1.0" }, thirdParty = false,
                    stepsToReproduce = "-", impact = "-",
                    reporter = new { name = "Bench Reporter", email = $"bench-{run}-{n}@example.org", language = "en" },
                });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                    sent[body.GetProperty("trackingNumber").GetString()!] = at;
                }
            }));
        }
        await Task.WhenAll(tasks);
        clients.ForEach(c => c.Dispose());

        // The sink writes each message once accepted; its file's time is when SMTP accepted it.
        var received = new Dictionary<string, DateTime>();
        var deadline = Stopwatch.StartNew();
        while (received.Count < sent.Count && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            foreach (var file in Directory.Exists(mail) ? Directory.GetFiles(mail, "*.eml") : [])
            {
                var written = File.GetLastWriteTimeUtc(file);
                if (written < began) continue;
                using var stream = File.OpenRead(file);
                var subject = MimeKit.MimeMessage.Load(stream).Subject ?? "";
                if (!subject.Contains("We received your vulnerability report", StringComparison.Ordinal)) continue;
                var number = subject[1..subject.IndexOf(']')];
                if (sent.ContainsKey(number)) received[number] = written;
            }
            await Task.Delay(500);
        }
        var latencies = received.Select(r => Math.Max(0, (r.Value - sent[r.Key]).TotalMilliseconds)).Order().ToList();
        return new EndToEnd(sent.Count, received.Count, Percentile(latencies, 0.5), Percentile(latencies, 0.99));
    }

    /// <summary>The largest relay lag (events appended, not yet published) and the deepest queue of the platform's virtual host.</summary>
    private static async Task<(long Lag, long Depth)> SampleAsync(BenchOptions options)
    {
        var suffix = Environment.GetEnvironmentVariable("VP_DB_SUFFIX") ?? "";
        long lag = 0;
        foreach (var service in Services)
        {
            var connection = $"Host={options.PgHost};Port={options.PgPort};Username=postgres;Database=vp_{service}{suffix};Pooling=false";
            try
            {
                await using var db = new NpgsqlConnection(connection);
                await db.OpenAsync();
                await using var command = new NpgsqlCommand(
                    """
                    select case when not exists (select 1 from mt_event_progression where name like 'integration-event-relay%') then 0
                      else coalesce((select max(seq_id) from mt_events), 0) - greatest(
                        coalesce((select max(last_seq_id) from mt_event_progression where name like 'integration-event-relay%'), 0),
                        case when to_regclass('vp_relay_checkpoints') is null then 0 else coalesce((select max(sequence) from vp_relay_checkpoints), 0) end)
                    end
                    """, db);
                var behind = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                if (behind > 0) LastLagging[service] = behind; else LastLagging.TryRemove(service, out _);
                lag = Math.Max(lag, behind);
            }
            catch (PostgresException)
            {
                // a service without events yet
            }
        }
        return (lag, QueueDepth());
    }

    /// <summary>The deepest queue of the platform's virtual host (failure queues wait for operators; they are not backlog).</summary>
    private static long QueueDepth() =>
        LocalServers.QueueMessages(Environment.GetEnvironmentVariable("VP_RABBIT_VHOST") ?? "/")
            .Where(q => !LocalServers.IsFailureQueue(q.Key)).Select(q => q.Value).DefaultIfEmpty(0).Max();

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
