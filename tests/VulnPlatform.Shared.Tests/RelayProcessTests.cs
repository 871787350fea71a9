using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.Processes;

/// <summary>
/// The relay as a real process that is killed with SIGKILL in the middle of publishing: nothing is
/// lost, and what is published again stays within one checkpoint slice
/// (<see cref="MessagingOptions.RelayCheckpointEvery"/>), carrying the same message id so that
/// consumers' inboxes drop it.
/// </summary>
[Collection(Relaying.BrokerOutageCollection.Name)]
public sealed class RelayProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Slice = 50;
    private const int Crowd = 10_000;
    private TestServers _servers = null!;
    private string _database = null!;
    private IHost _writer = null!;
    private readonly List<RelayHostProcess> _processes = [];

    public async Task InitializeAsync()
    {
        _servers = await TestServers.GetAsync();
        _database = await _servers.CreateDatabaseAsync("relay_process_test");
        // The test appends through a store of its own that runs no daemon: only the child processes relay.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Marten"] = _database,
            ["Marten:DaemonMode"] = "Disabled",
        });
        builder.AddMartenDefaults(options => options.Events.AddEventType<StepRecorded>());
        _writer = builder.Build();
        await _writer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes) process.Dispose();
        await _writer.StopAsync();
        _writer.Dispose();
        NpgsqlConnection.ClearAllPools();
        await _servers.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task A_relay_killed_between_publishing_and_recording_progress_loses_nothing_and_repeats_at_most_one_slice()
    {
        await using var subscriber = await RawSubscriber.StartAsync(_servers, RelayHostProgram.Exchange);
        // Enough events on one stream (published one after another) that the kill lands mid-page.
        var flow = Guid.NewGuid();
        var ids = await AppendAsync(flow, 1, Crowd);

        var first = await StartAsync("relay-host-crash-1");
        await subscriber.WaitForAsync(all => all.Count >= 500, TimeSpan.FromSeconds(60));
        first.Kill();
        var atKill = subscriber.Received.Count;
        output.WriteLine($"killed after {atKill} deliveries");
        Assert.InRange(atKill, 500, ids.Count - 1); // killed mid-stream, not after the end

        await StartAsync("relay-host-crash-2");
        // Throughput counted from the restarted relay's first delivery (not its start-up and the leadership election).
        await subscriber.WaitForAsync(all => all.Count > atKill, TimeSpan.FromSeconds(60));
        var watch = Stopwatch.StartNew();
        var resumedAt = subscriber.Received.Count;
        var received = await subscriber.WaitForAsync(all => all.Select(m => m.MessageId).Distinct().Count() >= ids.Count, TimeSpan.FromSeconds(90));
        var relayed = received.Count - resumedAt;
        output.WriteLine($"relay throughput after restart: {relayed} events in {watch.Elapsed.TotalSeconds:F1} s " +
                         $"({relayed / watch.Elapsed.TotalSeconds:F0}/s, one stream, broker confirms)");
        await RelayDrain.DrainAsync(_writer.Services.GetRequiredService<IDocumentStore>(), subscriber); // a repeat would have arrived before the marker

        AssertEveryEventOnceWithRepeatsWithinOneSlice(ids, subscriber.Received);
        // Within the stream, the order of first deliveries is the order of the events.
        var steps = subscriber.Received.Where(m => ids.Contains(m.MessageId)).DistinctBy(m => m.MessageId).Select(m => m.Message.GetProperty("step").GetInt32());
        Assert.Equal(Enumerable.Range(1, Crowd), steps);
        Assert.True(received.Count >= ids.Count);
    }

    [Fact]
    public async Task In_hot_cold_mode_one_of_two_instances_relays_and_the_other_takes_over_when_it_is_killed()
    {
        await using var subscriber = await RawSubscriber.StartAsync(_servers, RelayHostProgram.Exchange);
        var a = await StartAsync("relay-host-a");
        var b = await StartAsync("relay-host-b");

        var ids = new List<Guid>();
        for (var flow = 0; flow < 10; flow++) ids.AddRange(await AppendAsync(Guid.NewGuid(), 1, 20));
        await subscriber.WaitForAsync(all => all.Count >= ids.Count, TimeSpan.FromSeconds(60));
        await RelayDrain.DrainAsync(_writer.Services.GetRequiredService<IDocumentStore>(), subscriber); // a second active relay would publish everything again
        Assert.Equal(ids.Order(), subscriber.Received.Where(m => ids.Contains(m.MessageId)).Select(m => m.MessageId).Order());

        // The active relay holds Marten's leadership lock (a PostgreSQL advisory lock) on its connection.
        var leader = await LeaderAsync();
        Assert.Contains(leader, new[] { a.Name, b.Name });
        var (killed, survivor) = leader == a.Name ? (a, b) : (b, a);
        killed.Kill();
        var failover = System.Diagnostics.Stopwatch.StartNew();

        var afterKill = new List<Guid>();
        for (var flow = 0; flow < 10; flow++) afterKill.AddRange(await AppendAsync(Guid.NewGuid(), 1, 20));
        await subscriber.WaitForAsync(all => all.Any(m => afterKill.Contains(m.MessageId)), TimeSpan.FromSeconds(90));
        // Failover time: from the kill to the first event appended after it reaching the broker.
        output.WriteLine($"relay failover (HotCold): {failover.Elapsed.TotalSeconds:F1} s from kill -9 to the survivor publishing");
        ids.AddRange(afterKill);
        await subscriber.WaitForAsync(all => all.Select(m => m.MessageId).Distinct().Count() >= ids.Count, TimeSpan.FromSeconds(90));
        await RelayDrain.DrainAsync(_writer.Services.GetRequiredService<IDocumentStore>(), subscriber);

        AssertEveryEventOnceWithRepeatsWithinOneSlice(ids, subscriber.Received);
        Assert.Equal(survivor.Name, await LeaderAsync());
    }

    private void AssertEveryEventOnceWithRepeatsWithinOneSlice(List<Guid> ids, IReadOnlyCollection<RawMessage> received)
    {
        var expected = ids.ToHashSet();
        var delivered = received.Select(m => m.MessageId).Where(expected.Contains).ToList(); // not the drain's markers
        Assert.Equal(ids.Order(), delivered.Distinct().Order());
        var repeats = delivered.Count - ids.Count;
        output.WriteLine($"{ids.Count} events, {delivered.Count} deliveries, {repeats} repeated after the kill");
        Assert.InRange(repeats, 0, Slice);
    }

    private async Task<List<Guid>> AppendAsync(Guid flow, int from, int count)
    {
        var store = _writer.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        var events = Enumerable.Range(from, count).Select(step => (object)new StepRecorded(flow, step)).ToArray();
        session.Events.Append(flow, events);
        await session.SaveChangesAsync();
        var stream = await session.Events.FetchStreamAsync(flow);
        return stream.Select(e => e.Id).ToList();
    }

    private async Task<RelayHostProcess> StartAsync(string name)
    {
        var process = await RelayHostProcess.StartAsync(name, new Dictionary<string, string>
        {
            ["ConnectionStrings__Marten"] = $"{_database};Application Name={name}",
            ["RabbitMq__Host"] = _servers.RabbitMqHost,
            ["RabbitMq__Port"] = _servers.RabbitMqPort.ToString(),
            ["RabbitMq__VirtualHost"] = _servers.RabbitMqVirtualHost,
            ["Marten__DaemonMode"] = "HotCold",
            ["Messaging__AwaitPlatformTopology"] = "false",
            ["Messaging__RelayCheckpointEvery"] = Slice.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        _processes.Add(process);
        return process;
    }

    /// <summary>The application name of the connection that holds an advisory lock (Marten's leadership).</summary>
    private async Task<string?> LeaderAsync()
    {
        string? leader = null;
        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(_database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and l.granted and a.datname = current_database()
                  and a.application_name like 'relay-host-%'
                """, connection);
            leader = await command.ExecuteScalarAsync() as string;
            return leader is not null;
        }, TimeSpan.FromSeconds(30));
        return leader;
    }
}

/// <summary>A VulnPlatform.RelayHost child process.</summary>
public sealed class RelayHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private RelayHostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public static async Task<RelayHostProcess> StartAsync(string name, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "VulnPlatform.RelayHost.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = new RelayHostProcess(name, Process.Start(start)!);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(object _, DataReceivedEventArgs line)
        {
            if (line.Data is null) return;
            lock (process._output) process._output.Add(line.Data);
            if (line.Data == RelayHostProgram.ReadyLine) ready.TrySetResult();
        }
        process._process.OutputDataReceived += Collect;
        process._process.ErrorDataReceived += Collect;
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();

        var exited = process._process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != ready.Task)
        {
            process.Dispose();
            throw new InvalidOperationException($"{name} did not start:\n{string.Join('\n', process._output)}");
        }
        return process;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, as a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
