using RabbitMQ.Client;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Npgsql;

// `--rewrap N --postgres <server connection string>`: key rotation alone (make bench-rewrap).
if (args.Length >= 4 && args[0] == "--rewrap" && args[2] == "--postgres")
{
    return await RewrapBenchmark.RunAsync(args[3], int.Parse(args[1], CultureInfo.InvariantCulture));
}

// `--web N`: the web client's pages in Chromium with N triage cases (make bench-web; deploy/local/bench.sh starts the platform).
if (Array.IndexOf(args, "--web") is >= 0 and var webIndex && webIndex + 1 < args.Length)
{
    return await WebBench.RunAsync(BenchOptions.Parse(args), int.Parse(args[webIndex + 1], CultureInfo.InvariantCulture));
}

// `--notification`: only the Notification figures, against a running platform (make bench-notification).
if (args.Contains("--notification"))
{
    var only = BenchOptions.Parse(args);
    var figures = await NotificationBench.RunAsync(only, burst: int.Parse(Environment.GetEnvironmentVariable("VP_BURST") ?? "1000", CultureInfo.InvariantCulture));
    Console.WriteLine($"notification: ReportSubmitted on RabbitMQ -> receipt accepted by SMTP, {figures.Count} reports at 100/s: " +
        $"p50 {figures.P50:F0} ms  p99 {figures.P99:F0} ms; burst of {figures.BurstMails} receipts: {figures.MailsPerSecond:F0} e-mails/s end to end; " +
        $"the e-mail channel alone to the SMTP sink: {figures.ChannelMailsPerSecond:F0} e-mails/s");
    return 0;
}

// `--coordination-queue N --postgres <server connection string>`: vendors' and coordinators' queues (make bench-coordination).
if (args.Length >= 4 && args[0] == "--coordination-queue" && args[2] == "--postgres")
{
    return await CoordinationQueueBench.RunAsync(args[3], int.Parse(args[1], CultureInfo.InvariantCulture));
}

// `--disclosure RUNS`: CSAF generation and publication latency (make bench-disclosure).
if (args.Length >= 2 && args[0] == "--disclosure")
{
    return await DisclosureBench.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
}

// `--seed-reports N --postgres <server connection string>`: a platform's data that size, for make bench-backup.
if (args.Length >= 4 && args[0] == "--seed-reports" && args[2] == "--postgres")
{
    return await BackupSeed.RunAsync(args[3], int.Parse(args[1], CultureInfo.InvariantCulture));
}

// `--triage-queue N --postgres <server connection string>`: the staff queue over N cases (make bench-triage).
if (args.Length >= 4 && args[0] == "--triage-queue" && args[2] == "--postgres")
{
    return await TriageQueueBench.RunAsync(args[3], int.Parse(args[1], CultureInfo.InvariantCulture));
}

// Submission throughput through the gateway over HTTPS, against the raw PostgreSQL limit measured
// with pgbench at the same concurrency. Targets loopback only; bounded by --seconds.
var options = BenchOptions.Parse(args);
// `--sustained`: only the sustained-load part (deploy/local/bench.sh --sustained).
if (args.Contains("--sustained")) return await SustainedAsync(options);
Console.WriteLine($"gateway {options.Gateway}, {options.Clients} clients, {options.Seconds}s (after {options.WarmUpSeconds}s warm-up)");

var submissions = await SubmissionLoad.RunAsync(options);
Console.WriteLine(
    $"submissions: {submissions.PerSecond:F0}/s  p50 {submissions.P50:F1} ms  p99 {submissions.P99:F1} ms  " +
    $"({submissions.Succeeded} created, {submissions.Failed} failed)");

var relay = await RelayLatency.RunAsync(options);
Console.WriteLine($"relay: submission answered -> ReportSubmitted on RabbitMQ, {relay.Count} at ~50/s: p50 {relay.P50:F1} ms  p99 {relay.P99:F1} ms");

var uploads = await AttachmentUploadLoad.RunAsync(options);
Console.WriteLine(
    $"attachments: {uploads.Files} x 10 MiB with {AttachmentUploadLoad.Uploaders} uploaders in {uploads.Seconds:F1}s = {uploads.MiBPerSecond:F1} MiB/s; " +
    $"intake RSS {uploads.IntakeRssBeforeMiB:F0} MiB before, peak {uploads.IntakeRssPeakMiB:F0} MiB while uploading " +
    $"({AttachmentUploadLoad.Uploaders * 10} MiB in flight); gateway peak {uploads.GatewayRssPeakMiB:F0} MiB");

var identity = await IdentityBench.RunAsync(options);
Console.WriteLine($"sign-in (PBKDF2-HMAC-SHA512, configured iterations): {identity.SignIns} sign-ins one at a time: p50 {identity.SignInP50:F1} ms  p99 {identity.SignInP99:F1} ms");
Console.WriteLine($"token check: the same read through the gateway, {identity.Clients} clients, {identity.Seconds}s: " +
    $"{identity.WithoutToken:F0}/s without a bearer token, {identity.WithToken:F0}/s with one " +
    $"({(1 - identity.WithToken / identity.WithoutToken) * 100:F1}% fewer; the gateway and Intake both validate it)");

var notification = await NotificationBench.RunAsync(options);
Console.WriteLine($"notification: ReportSubmitted on RabbitMQ -> receipt accepted by SMTP, {notification.Count} reports at 100/s: " +
    $"p50 {notification.P50:F0} ms  p99 {notification.P99:F0} ms; burst of {notification.BurstMails} receipts: {notification.MailsPerSecond:F0} e-mails/s end to end; " +
    $"the e-mail channel alone to the SMTP sink: {notification.ChannelMailsPerSecond:F0} e-mails/s");

// Sustained load (P3): VP_SUSTAINED_RATE reports/s for VP_SUSTAINED_SECONDS s with every service running.
return await SustainedAsync(options) == 0 && submissions.Failed == 0 ? await PgRatioAsync(options, submissions) : 1;

static async Task<int> SustainedAsync(BenchOptions options)
{
// First on a quiet platform: the end-to-end latency at 100 reports/s (P2).
var cpu = CpuAccounting.Start();
var wall = System.Diagnostics.Stopwatch.StartNew();
var receipts = await SustainedLoad.ReceiptLatencyAsync(options, rate: 100, seconds: 30);
Console.WriteLine($"end to end (P2): report sent -> receipt accepted by SMTP, {receipts.Count} reports at 100/s: p50 {receipts.P50:F0} ms  p99 {receipts.P99:F0} ms " +
    $"({receipts.Received} of {receipts.Count} receipts seen)");
Console.WriteLine("  " + CpuAccounting.Format(cpu.Stop(), wall.Elapsed.TotalSeconds, receipts.Count));
cpu = CpuAccounting.Start();
wall.Restart();
var sustainedRate = int.Parse(Environment.GetEnvironmentVariable("VP_SUSTAINED_RATE") ?? "500", CultureInfo.InvariantCulture);
var sustainedSeconds = int.Parse(Environment.GetEnvironmentVariable("VP_SUSTAINED_SECONDS") ?? "60", CultureInfo.InvariantCulture);
var sustained = await SustainedLoad.OfferAsync(options, sustainedRate, sustainedSeconds);
Console.WriteLine($"sustained: {sustained.TargetPerSecond:F0} reports/s offered for {sustained.Seconds} s: {sustained.PerSecond:F0}/s created " +
    $"({sustained.Created} created, {sustained.Failed} failed, {sustained.Shed} not sent: over 512 waiting), p50 {sustained.P50:F0} ms  p99 {sustained.P99:F0} ms; " +
    $"backlog: relay lag up to {sustained.Backlog.MaxRelayLag} events, queues up to {sustained.Backlog.MaxQueueDepth} messages; " +
    (sustained.Backlog.Drained ? $"all back to zero {sustained.Backlog.DrainSeconds:F1} s after the load" : $"NOT drained {sustained.Backlog.DrainSeconds:F0} s after the load"));

Console.WriteLine("  " + CpuAccounting.Format(cpu.Stop(), wall.Elapsed.TotalSeconds, sustained.Created));
if (!sustained.Backlog.Drained) Console.WriteLine("still behind: " + string.Join(", ", SustainedLoad.LastLagging.Select(l => $"{l.Key} relay {l.Value} events")));
return 0;
}

static async Task<int> PgRatioAsync(BenchOptions options, LoadResult submissions)
{
var pgTps = await PgBench.RunAsync(options);
Console.WriteLine($"pgbench single-row INSERT, {options.Clients} clients: {pgTps:F0} tps");
var ratio = submissions.PerSecond / pgTps;
Console.WriteLine($"ratio submissions/pgbench: {ratio:F3} (target >= 0.25){(ratio >= 0.25 ? "" : "  BELOW TARGET")}");
return 0;
}

sealed record BenchOptions(Uri Gateway, int Clients, int Seconds, int WarmUpSeconds, string? Certificate, string PgHost, int PgPort, string RunDirectory)
{
    public static BenchOptions Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        var root = FindRepositoryRoot();
        var runDirectory = Environment.GetEnvironmentVariable("VP_RUN_DIR") ?? Path.Combine(root, ".run");
        var certificate = Path.Combine(runDirectory, "certs", "gateway.crt");
        return new BenchOptions(
            new Uri(Arg("--gateway", "https://localhost:8443")),
            int.Parse(Arg("--clients", "32"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--warmup", "20"), CultureInfo.InvariantCulture),
            Arg("--cert", File.Exists(certificate) ? certificate : ""),
            "127.0.0.1",
            int.Parse(Environment.GetEnvironmentVariable("VP_PG_PORT") ?? "55432", CultureInfo.InvariantCulture),
            runDirectory);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "VulnPlatform.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? Directory.GetCurrentDirectory();
    }
}

sealed record LatencyResult(int Count, double P50, double P99);

/// <summary>A plain RabbitMQ subscriber to ReportSubmitted (a server-named queue) noting when each tracking number arrives.</summary>
sealed class ReportSubmittedArrivals : IAsyncDisposable
{
    private readonly RabbitMQ.Client.IConnection _connection;

    private ReportSubmittedArrivals(RabbitMQ.Client.IConnection connection, RabbitMQ.Client.IChannel channel)
    {
        _connection = connection;
        Channel = channel;
    }

    public RabbitMQ.Client.IChannel Channel { get; }
    /// <summary>Arrival as a <see cref="Stopwatch"/> timestamp and as a UTC instant.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> Ticks { get; } = new();
    public System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> Instants { get; } = new();

    public static async Task<ReportSubmittedArrivals> StartAsync()
    {
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = int.Parse(Environment.GetEnvironmentVariable("VP_RABBIT_PORT") ?? "56720", CultureInfo.InvariantCulture),
            VirtualHost = Environment.GetEnvironmentVariable("VP_RABBIT_VHOST") ?? "/",
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var arrivals = new ReportSubmittedArrivals(connection, channel);
        const string exchange = "VulnPlatform.Contracts.Intake:ReportSubmitted";
        await channel.ExchangeDeclareAsync(exchange, "fanout", durable: true);
        var queue = (await channel.QueueDeclareAsync()).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(delivery.Body);
            var number = json.RootElement.GetProperty("message").GetProperty("trackingNumber").GetString()!;
            arrivals.Ticks[number] = Stopwatch.GetTimestamp();
            arrivals.Instants[number] = DateTime.UtcNow;
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return arrivals;
    }

    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>How long after the 201 a plain RabbitMQ subscriber sees the event (LISTEN/NOTIFY wake-up + relay).</summary>
static class RelayLatency
{
    public static async Task<LatencyResult> RunAsync(BenchOptions options, int submissions = 200)
    {
        await using var bus = await ReportSubmittedArrivals.StartAsync();
        var arrivals = bus.Ticks;

        using var client = SubmissionLoad.CreateClient(options);
        var answered = new Dictionary<string, long>();
        for (var i = 0; i < submissions; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/reports", SubmissionLoad.Report);
            var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            answered[body.GetProperty("trackingNumber").GetString()!] = Stopwatch.GetTimestamp();
            await Task.Delay(20);
        }
        var deadline = Stopwatch.StartNew();
        while (arrivals.Count < submissions && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);

        var latencies = answered.Where(a => arrivals.ContainsKey(a.Key))
            .Select(a => Math.Max(0, Stopwatch.GetElapsedTime(a.Value, arrivals[a.Key]).TotalMilliseconds)).Order().ToList();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        return new LatencyResult(latencies.Count, Percentile(0.5), Percentile(0.99));
    }
}

sealed record UploadResult(int Files, double Seconds, double MiBPerSecond, double IntakeRssBeforeMiB, double IntakeRssPeakMiB, double GatewayRssPeakMiB);

/// <summary>10 MiB uploads through the gateway while the services' resident memory is sampled.</summary>
static class AttachmentUploadLoad
{
    public const int Uploaders = 4;
    private const int FilesPerReport = 5;
    private const int FileBytes = 10 * 1024 * 1024;

    public static async Task<UploadResult> RunAsync(BenchOptions options)
    {
        var file = new byte[FileBytes];
        Random.Shared.NextBytes(file);
        var intakePid = Pid(options, "intake");
        var gatewayPid = Pid(options, "gateway");
        var rssBefore = RssMiB(intakePid);
        double intakePeak = rssBefore, gatewayPeak = RssMiB(gatewayPid);

        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                intakePeak = Math.Max(intakePeak, RssMiB(intakePid));
                gatewayPeak = Math.Max(gatewayPeak, RssMiB(gatewayPid));
                await Task.Delay(20);
            }
        });

        var stopwatch = Stopwatch.StartNew();
        var files = await Task.WhenAll(Enumerable.Range(0, Uploaders).Select(async _ =>
        {
            using var client = SubmissionLoad.CreateClient(options);
            var created = await client.PostAsJsonAsync("/api/reports", SubmissionLoad.Report);
            var report = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            var uploaded = 0;
            for (var i = 0; i < FilesPerReport; i++)
            {
                using var content = new MultipartFormDataContent { { new ByteArrayContent(file), "files", $"capture-{i}.pcap" } };
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{report.GetProperty("trackingNumber").GetString()}/attachments") { Content = content };
                request.Headers.Add("X-Follow-Up-Token", report.GetProperty("followUpToken").GetString());
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"upload failed: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                uploaded++;
            }
            return uploaded;
        }));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        sampling.Cancel();
        await sampler;

        var total = files.Sum();
        return new UploadResult(total, seconds, total * 10.0 / seconds, rssBefore, intakePeak, gatewayPeak);
    }

    private static int? Pid(BenchOptions options, string service)
    {
        var file = Path.Combine(options.RunDirectory, "pids", service + ".pid");
        return File.Exists(file) ? int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture) : null;
    }

    private static double RssMiB(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status")) return double.NaN;
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}

sealed record LoadResult(double PerSecond, double P50, double P99, int Succeeded, int Failed);

static class SubmissionLoad
{
    public static readonly object Report = new
    {
        title = "Benchmark: reflected XSS in search",
        description = "The q parameter is echoed without encoding.",
        kind = "vulnerability",
        product = new { vendor = "Acme", name = "Shop", version = "1.0" },
        thirdParty = false,
        stepsToReproduce = "GET /search?q=<script>alert(1)</script>",
        impact = "Script execution in the victim's session.",
        cwe = "CWE-79",
    };

    public static async Task<LoadResult> RunAsync(BenchOptions options)
    {
        // One connection per client, as 32 separate reporters would have.
        var clients = Enumerable.Range(0, options.Clients).Select(_ => CreateClient(options)).ToList();
        await RunPhaseAsync(clients, TimeSpan.FromSeconds(options.WarmUpSeconds));
        var result = await RunPhaseAsync(clients, TimeSpan.FromSeconds(options.Seconds));
        clients.ForEach(c => c.Dispose());
        return result;
    }

    private static async Task<LoadResult> RunPhaseAsync(List<HttpClient> clients, TimeSpan duration)
    {
        var stopwatch = Stopwatch.StartNew();
        var workers = clients.Select(async client =>
        {
            var latencies = new List<double>();
            var failed = 0;
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync("/api/reports", Report);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    failed++;
                }
            }
            return (latencies, failed);
        }).ToList();
        var results = await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed.TotalSeconds;

        var all = results.SelectMany(r => r.latencies).Order().ToList();
        double Percentile(double p) => all.Count == 0 ? double.NaN : all[Math.Min(all.Count - 1, (int)(p * all.Count))];
        return new LoadResult(all.Count / elapsed, Percentile(0.50), Percentile(0.99), all.Count, results.Sum(r => r.failed));
    }

    public static HttpClient CreateClient(BenchOptions options, bool followRedirects = true)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, AllowAutoRedirect = followRedirects };
        if (!string.IsNullOrEmpty(options.Certificate))
        {
            // Trust exactly the development certificate `make up` created, nothing else.
            var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(options.Certificate));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString());
        }
        return new HttpClient(handler) { BaseAddress = options.Gateway, DefaultRequestVersion = HttpVersion.Version11 };
    }
}

static partial class PgBench
{
    public static async Task<double> RunAsync(BenchOptions options)
    {
        var server = $"Host={options.PgHost};Port={options.PgPort};Username=postgres";
        await using (var connection = new NpgsqlConnection(server + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = 'vp_bench'", connection);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await new NpgsqlCommand("create database vp_bench", connection).ExecuteNonQueryAsync();
            }
        }
        await using (var connection = new NpgsqlConnection(server + ";Database=vp_bench"))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand(
                "drop table if exists bench_insert; create table bench_insert (id bigserial primary key, payload jsonb not null)",
                connection).ExecuteNonQueryAsync();
        }

        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script,
            "insert into bench_insert (payload) values ('{\"title\":\"Benchmark: reflected XSS in search\"}');\n");
        var start = new ProcessStartInfo("pgbench",
            $"-n -c {options.Clients} -j 2 -T {options.Seconds} -f {script} -h {options.PgHost} -p {options.PgPort} -U postgres vp_bench")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(script);

        var match = Tps().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("pgbench printed no tps: " + output + await process.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
