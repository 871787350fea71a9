using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using VulnPlatform.Testing;
using Xunit.Abstractions;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Conservation under faults (deploy/local/chaos.sh runs it; `make chaos` with 2,000 reports, `make
/// test` with a few hundred): two instances of every service, reports submitted at a steady rate
/// while a nemesis kills a random service instance (kill -9) every few seconds and crashes RabbitMQ
/// once and PostgreSQL once; a scripted analyst acknowledges every case. After quiescence every
/// report accepted is stored once, has one triage case, one receipt in the SMTP sink and its
/// acknowledgement in the reporter's status view — nothing lost, nothing twice, nothing unexpected —
/// and no message waits in an error queue or as a relay dead letter.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Submission(string Key, string Title)
    {
        public string? TrackingNumber { get; set; }
        public string? FollowUpToken { get; set; }
        public int Attempts { get; set; }
        public bool Acknowledged { get; set; }
    }

    [Fact]
    public async Task Every_accepted_report_is_stored_triaged_receipted_and_acknowledged_exactly_once_through_kills_and_crashes()
    {
        var reports = Setting("VP_TEST_CHAOS_REPORTS", 300);
        var rate = Setting("VP_TEST_CHAOS_RATE", 10);
        var loadStarted = Required("VP_TEST_CHAOS_LOAD_STARTED");
        var loadDone = Required("VP_TEST_CHAOS_LOAD_DONE");
        var nemesisDone = Required("VP_TEST_CHAOS_NEMESIS_DONE");
        var run = Stopwatch.StartNew();

        var analyst = await StaffAccounts.TokenAsync("analyst");
        using var api = Platform.Client();
        api.Timeout = TimeSpan.FromSeconds(30);

        // The load: one report every 1/rate s, each retried with its Idempotency-Key until answered 201.
        var submissions = Enumerable.Range(0, reports).Select(i => new Submission(Guid.NewGuid().ToString("N"), $"Chaos report {i:D5}")).ToList();
        var acknowledgements = new List<Task>();
        using var analystSlots = new SemaphoreSlim(8);
        var submitting = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        await File.WriteAllTextAsync(loadStarted, ""); // the nemesis starts with the load
        var started = Stopwatch.StartNew();
        for (var i = 0; i < submissions.Count; i++)
        {
            var due = interval * i - started.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var submission = submissions[i];
            submitting.Add(Task.Run(async () =>
            {
                await SubmitAsync(api, submission);
                await analystSlots.WaitAsync();
                try { await AcknowledgeAsync(api, analyst, submission); }
                finally { analystSlots.Release(); }
            }));
        }
        var loadSeconds = started.Elapsed.TotalSeconds;
        await File.WriteAllTextAsync(loadDone, "");

        // Quiescence: the nemesis has stopped and revived everything; every submission answered and acknowledged.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(nemesisDone)), TimeSpan.FromMinutes(6)), "the nemesis did not finish: its faults and the revival of every instance took over 6 minutes");
        await Task.WhenAll(submitting).WaitAsync(TimeSpan.FromMinutes(5));
        var accepted = submissions.Where(s => s.TrackingNumber is not null).ToDictionary(s => s.TrackingNumber!);

        var stored = await CountedAsync("intake", "select data->>'trackingNumber' from mt_events where type = 'report_filed'");
        var cases = await CountedAsync("triage", "select data->>'trackingNumber' from mt_events where type = 'case_started'");
        Dictionary<string, int> receipts = [];
        Dictionary<string, int> acknowledged = [];
        HashSet<string> unknown = [];
        // Deliveries and status views settle after the last fault: wait (bounded) until nothing is missing.
        // A receipt whose sending instance died while handing it to SMTP is not resent (never twice):
        // Notification records its outcome as unknown, and it counts as indeterminate, not lost.
        await Eventually.HoldsAsync(async () =>
        {
            receipts = Receipts();
            unknown = (await CountedAsync("notification",
                "select data->>'trackingNumber' from mt_doc_delivery where data->>'template' = 'receipt' and data->>'status' = 'given-up' and data->>'lastError' like 'Whether the message arrived is unknown%'")).Keys.ToHashSet();
            acknowledged = await AcknowledgedViewsAsync(api, accepted.Values);
            return accepted.Keys.All(n => receipts.ContainsKey(n) || unknown.Contains(n)) && accepted.Keys.All(acknowledged.ContainsKey);
        }, TimeSpan.FromMinutes(4));
        var errorQueues = ErrorQueueMessages();
        var deadLetters = 0L;
        foreach (var service in new[] { "identity", "intake", "triage", "notification", "vendorcoordination", "disclosure" })
        {
            deadLetters += await ScalarAsync(service, "select case when to_regclass('mt_doc_deadletterevent') is null then 0 else (select count(*) from mt_doc_deadletterevent) end");
        }

        var rows = new[]
        {
            Row("reports stored (Intake)", accepted.Keys, stored),
            Row("triage cases opened", accepted.Keys, cases),
            Row("receipts at the SMTP sink", accepted.Keys, receipts, unknown),
            Row("status views acknowledged", accepted.Keys, acknowledged),
        };
        var nemesis = File.Exists(nemesisDone) ? await File.ReadAllLinesAsync(nemesisDone) : [];
        output.WriteLine(Summary(reports, accepted.Count, submissions.Sum(s => s.Attempts), loadSeconds, rows, errorQueues, deadLetters, nemesis, run.Elapsed));

        Assert.Equal(reports, accepted.Count); // every submission was answered 201 in the end
        Assert.All(rows, r => Assert.True(r.Lost == 0 && r.Duplicated == 0 && r.Unexpected == 0, $"{r.Name}: lost {r.Lost}, duplicated {r.Duplicated}, unexpected {r.Unexpected}"));
        Assert.True(errorQueues.Count == 0, "messages in error queues: " + string.Join(", ", errorQueues.Select(q => $"{q.Key} {q.Value}")));
        Assert.Equal(0, deadLetters);
        Assert.Contains(nemesis, line => line.Contains(": kill -9 ", StringComparison.Ordinal));
        Assert.Contains(nemesis, line => line.Contains("RabbitMQ crashed", StringComparison.Ordinal) && line.Contains("and restarted", StringComparison.Ordinal));
        Assert.Contains(nemesis, line => line.Contains("PostgreSQL crashed", StringComparison.Ordinal) && line.Contains("and restarted", StringComparison.Ordinal));
    }

    private static async Task SubmitAsync(HttpClient api, Submission submission)
    {
        var body = new
        {
            kind = "vulnerability", title = submission.Title, description = "Submitted while the nemesis kills services.",
            product = new { vendor = "Acme", name = "Portal", version = "1.0" }, thirdParty = false,
            stepsToReproduce = "Open the portal while a service instance is being killed.", impact = "None; this is the chaos test.",
            reporter = new { name = "Chaos Reporter", email = $"chaos-{submission.Key}@example.org", language = "en" },
        };
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            submission.Attempts++;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(body) };
                request.Headers.TryAddWithoutValidation("Idempotency-Key", submission.Key);
                using var response = await api.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var receipt = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
                    submission.TrackingNumber = receipt.GetProperty("trackingNumber").GetString();
                    submission.FollowUpToken = receipt.GetProperty("followUpToken").GetString();
                    return;
                }
                if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    throw new InvalidOperationException($"submission refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // the instance died under the request, or the gateway could not reach one: ask again
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Min(submission.Attempts, 10)));
        }
    }

    /// <summary>The scripted analyst: waits for the case, then acknowledges it (again after a refusal or a fault).</summary>
    private static async Task AcknowledgeAsync(HttpClient api, string analyst, Submission submission)
    {
        if (submission.TrackingNumber is not { } trackingNumber) return;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var read = await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/triage/cases/{trackingNumber}", analyst));
                if (read.StatusCode == HttpStatusCode.OK)
                {
                    var view = await read.Content.ReadFromJsonAsync<JsonElement>(Json);
                    if (view.TryGetProperty("acknowledgedAt", out var at) && at.ValueKind != JsonValueKind.Null)
                    {
                        submission.Acknowledged = true;
                        return;
                    }
                    using var acknowledge = Requests.Bearer(HttpMethod.Post, $"/api/triage/cases/{trackingNumber}/acknowledge", analyst,
                        JsonContent.Create(new { message = "Thank you, we are looking into it." }));
                    acknowledge.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag?.Tag);
                    using var done = await api.SendAsync(acknowledge);
                    if (done.StatusCode == HttpStatusCode.OK)
                    {
                        submission.Acknowledged = true;
                        return;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // a fault: look again
            }
            await Task.Delay(500);
        }
    }

    private static async Task<Dictionary<string, int>> AcknowledgedViewsAsync(HttpClient api, IEnumerable<Submission> accepted)
    {
        var views = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (submission, cancel) =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{submission.TrackingNumber}");
                request.Headers.Add("X-Follow-Up-Token", submission.FollowUpToken);
                using var response = await api.SendAsync(request, cancel);
                if (response.StatusCode != HttpStatusCode.OK) return;
                var view = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancel);
                var staff = view.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("from").GetString() == "staff");
                if (staff > 0) views[submission.TrackingNumber!] = staff;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // counted as missing this round
            }
        });
        return new Dictionary<string, int>(views);
    }

    /// <summary>Receipts the SMTP sink holds, per tracking number (their subject names it).</summary>
    private static Dictionary<string, int> Receipts()
    {
        var folder = Required("VP_TEST_MAIL_DIR");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder, "*.eml")
            .Select(f => MimeKit.MimeMessage.Load(f).Subject ?? "")
            .Where(s => s.Contains("We received your vulnerability report", StringComparison.Ordinal))
            .Select(s => s[1..s.IndexOf(']')])
            .GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Messages waiting in the platform's _error and _skipped queues of the chaos virtual host.</summary>
    private static Dictionary<string, long> ErrorQueueMessages() =>
        LocalServers.QueueMessages(Required("VP_TEST_RABBITMQ_VHOST"))
            .Where(q => LocalServers.IsFailureQueue(q.Key) && q.Value > 0).ToDictionary(q => q.Key, q => q.Value);

    private static async Task<Dictionary<string, int>> CountedAsync(string service, string sql)
    {
        await using var connection = new NpgsqlConnection(Database(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, int>();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = counts.GetValueOrDefault(reader.GetString(0)) + 1;
        return counts;
    }

    private static async Task<long> ScalarAsync(string service, string sql)
    {
        await using var connection = new NpgsqlConnection(Database(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static string Database(string service) =>
        new NpgsqlConnectionStringBuilder(Required("VP_TEST_POSTGRES")) { Database = $"vp_{service}{Required("VP_TEST_CHAOS_DB_SUFFIX")}", Pooling = false }.ConnectionString;

    private sealed record Outcome(string Name, int Expected, int Seen, int Lost, int Duplicated, int Unexpected, int Indeterminate, string[] LostSample);

    private static Outcome Row(string name, IEnumerable<string> expected, Dictionary<string, int> seen, HashSet<string>? indeterminate = null)
    {
        var wanted = expected.ToHashSet();
        indeterminate ??= [];
        return new Outcome(name, wanted.Count, seen.Values.Sum(),
            Lost: wanted.Count(n => !seen.ContainsKey(n) && !indeterminate.Contains(n)),
            Indeterminate: wanted.Count(n => !seen.ContainsKey(n) && indeterminate.Contains(n)),
            Duplicated: seen.Where(s => wanted.Contains(s.Key)).Sum(s => s.Value - 1),
            Unexpected: seen.Where(s => !wanted.Contains(s.Key)).Sum(s => s.Value),
            // Where to start looking: the tracking numbers of a few lost ones.
            LostSample: [.. wanted.Where(n => !seen.ContainsKey(n) && !indeterminate.Contains(n)).Order(StringComparer.Ordinal).Take(5)]);
    }

    private static string Summary(int reports, int accepted, int attempts, double loadSeconds, Outcome[] rows, Dictionary<string, long> errorQueues,
        long deadLetters, string[] nemesis, TimeSpan total)
    {
        var valid = accepted == reports && rows.All(r => r.Lost == 0 && r.Duplicated == 0 && r.Unexpected == 0) && errorQueues.Count == 0 && deadLetters == 0;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"chaos: {reports} reports over {loadSeconds:F0} s ({reports / loadSeconds:F1}/s), {attempts} requests ({attempts - reports} retries), {accepted} accepted (201)");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"",-28}{"expected",9}{"seen",7}{"lost",6}{"duplicated",11}{"unexpected",11}{"indeterminate",14}");
        foreach (var r in rows) text.AppendLine(CultureInfo.InvariantCulture, $"{r.Name,-28}{r.Expected,9}{r.Seen,7}{r.Lost,6}{r.Duplicated,11}{r.Unexpected,11}{r.Indeterminate,14}");
        foreach (var r in rows.Where(r => r.LostSample.Length > 0)) text.AppendLine(CultureInfo.InvariantCulture, $"lost from {r.Name}: {string.Join(", ", r.LostSample)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"error queues: {errorQueues.Values.Sum()} messages; relay dead letters: {deadLetters}");
        var kills = nemesis.Count(l => l.Contains(": kill -9 ", StringComparison.Ordinal));
        var crashes = string.Join("; ", nemesis.Where(l => !l.Contains(": kill -9 ", StringComparison.Ordinal)));
        text.AppendLine(CultureInfo.InvariantCulture, $"faults: {kills} service instances killed (kill -9); {crashes}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{{:valid? {(valid ? "true" : "false")}}}  ({total.TotalSeconds:F0} s in all)");
        return text.ToString();
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string Required(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the chaos test with deploy/local/chaos.sh (`make chaos`).");
}
