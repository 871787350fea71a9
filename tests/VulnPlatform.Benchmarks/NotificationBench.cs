extern alias notification;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RabbitMQ.Client;
using Microsoft.Extensions.Logging.Abstractions;
using VulnPlatform.SmtpSink;
using EmailChannel = notification::VulnPlatform.Notification.Channels.EmailChannel;
using SmtpOptions = notification::VulnPlatform.Notification.Channels.SmtpOptions;
using RenderedMessage = notification::VulnPlatform.Notification.Templates.RenderedMessage;

/// <summary>
/// Notification on the running platform: reports submitted through the gateway at 100/s, each with a
/// reporter address; the time from <c>ReportSubmitted</c> reaching RabbitMQ (seen by a plain
/// subscriber) to the receipt accepted by the platform's SMTP sink (the .eml file's name carries the
/// instant the sink accepted it); then a burst, for e-mails per second through the whole pipeline.
/// </summary>
static class NotificationBench
{
    public sealed record Result(int Count, double P50, double P99, int BurstMails, double MailsPerSecond, double ChannelMailsPerSecond);

    /// <summary>The e-mail channel alone: N messages over its kept connections (4) to an SMTP sink writing .eml files.</summary>
    public static async Task<double> ChannelAsync(int messages = 5000)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"vp-mail-bench-{Guid.NewGuid():N}");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        try
        {
            await using var sink = MailSink.Start(port, folder);
            await using var channel = new EmailChannel(Microsoft.Extensions.Options.Options.Create(new SmtpOptions
            {
                Port = port, Security = MailKit.Security.SecureSocketOptions.None,
            }), NullLogger<EmailChannel>.Instance);
            var rendered = new RenderedMessage("[VR-2026-000001] We received your vulnerability report", new string('x', 900), "<p>" + new string('x', 1500) + "</p>");
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, ct) =>
            {
                var outcome = await channel.SendAsync(channel.Compose(Guid.NewGuid(), "reporter@example.org", null, rendered), ct);
                if (!outcome.Success) throw new InvalidOperationException(outcome.Reason);
            });
            return messages / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<Result> RunAsync(BenchOptions options, int rate = 100, int seconds = 10, int burst = 1000)
    {
        var mailDirectory = Path.Combine(options.RunDirectory, "mail");
        await using var bus = await ReportSubmittedArrivals.StartAsync();
        await DrainAsync(bus.Channel); // the earlier phases' submissions are still being read
        var onBus = bus.Instants;

        using var client = SubmissionLoad.CreateClient(options);
        var run = Guid.NewGuid().ToString("N")[..8];

        // Paced: one report every 1/rate s, sent without waiting for the one before.
        var paced = new List<Task<string?>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            paced.Add(SubmitAsync(client, $"bench-{run}-{i}@example.org"));
        }
        var pacedNumbers = (await Task.WhenAll(paced)).OfType<string>().ToHashSet();
        var accepted = await ReceiptsAsync(mailDirectory, pacedNumbers, TimeSpan.FromSeconds(120));
        var latencies = accepted.Where(a => onBus.ContainsKey(a.Key)).Select(a => (a.Value - onBus[a.Key]).TotalMilliseconds).Order().ToList();

        // Burst: as fast as 16 clients submit; e-mails per second from the first receipt accepted to the last.
        var clients = Enumerable.Range(0, 16).Select(_ => SubmissionLoad.CreateClient(options)).ToList();
        var burstNumbers = new ConcurrentBag<string>();
        var next = -1;
        await Task.WhenAll(clients.Select(async c =>
        {
            while (Interlocked.Increment(ref next) < burst)
            {
                if (await SubmitAsync(c, $"burst-{run}-{next}@example.org") is { } number) burstNumbers.Add(number);
            }
        }));
        foreach (var c in clients) c.Dispose();
        var burstAccepted = await ReceiptsAsync(mailDirectory, burstNumbers.ToHashSet(), TimeSpan.FromSeconds(300));
        var span = burstAccepted.Count > 1 ? (burstAccepted.Values.Max() - burstAccepted.Values.Min()).TotalSeconds : 0;
        return new Result(latencies.Count, Percentile(latencies, 0.50), Percentile(latencies, 0.99), burstAccepted.Count,
            span > 0 ? (burstAccepted.Count - 1) / span : 0, await ChannelAsync());
    }

    private static async Task<string?> SubmitAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/reports", new
        {
            title = "Benchmark: reflected XSS in search", description = "The q parameter is echoed without encoding.", kind = "vulnerability",
            product = new { vendor = "Acme", name = "Shop", version = "1.0" }, thirdParty = false,
            stepsToReproduce = "GET /search?q=<script>alert(1)</script>", impact = "Script execution in the victim's session.",
            reporter = new { email, language = "en" },
        });
        if (!response.IsSuccessStatusCode) return null;
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString();
    }

    /// <summary>The sink's accept instant of each expected receipt (from the file name), waiting up to <paramref name="timeout"/>.</summary>
    private static async Task<Dictionary<string, DateTime>> ReceiptsAsync(string directory, HashSet<string> expected, TimeSpan timeout)
    {
        var found = new Dictionary<string, DateTime>();
        var seen = new HashSet<string>();
        var waited = Stopwatch.StartNew();
        while (found.Count < expected.Count && waited.Elapsed < timeout)
        {
            foreach (var file in Directory.Exists(directory) ? Directory.GetFiles(directory, "*.eml") : [])
            {
                if (!seen.Add(file)) continue;
                var subject = File.ReadLines(file).TakeWhile(l => l.Length > 0).FirstOrDefault(l => l.StartsWith("Subject: ", StringComparison.Ordinal));
                if (subject is null || subject.IndexOf('[') < 0 || subject.IndexOf(']') < 0) continue;
                var number = subject[(subject.IndexOf('[') + 1)..subject.IndexOf(']')];
                if (!expected.Contains(number) || !subject.Contains("We received")) continue;
                var name = Path.GetFileName(file);
                found[number] = DateTime.ParseExact(name[..19], "yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            }
            await Task.Delay(200);
        }
        return found;
    }

    /// <summary>Waits until Notification has read what earlier phases submitted (its receipt queue is empty).</summary>
    private static async Task DrainAsync(RabbitMQ.Client.IChannel channel)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(10))
        {
            var depth = (await channel.QueueDeclarePassiveAsync("notification.report-submitted")).MessageCount;
            if (depth == 0) return;
            await Task.Delay(1000);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
