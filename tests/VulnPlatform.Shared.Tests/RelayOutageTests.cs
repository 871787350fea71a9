using System.Diagnostics.Metrics;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.Relaying;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageCollection
{
    public const string Name = "broker outage";
}

[Collection(BrokerOutageCollection.Name)]
public sealed class RelayOutageTests : IAsyncLifetime
{
    private const string Exchange = RelayHostProgram.Exchange;
    private RunningHost _host = null!;
    private TestServers _servers = null!;
    private BrokerProxy _proxy = null!;
    private readonly string _queue = $"relay-outage-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        _servers = await TestServers.GetAsync();
        // The outage is this host's alone: its connections run through a proxy that the test cuts.
        _proxy = new BrokerProxy(_servers.RabbitMqHost, _servers.RabbitMqPort);
        _host = await TestHost.StartAsync(_servers, "relay_test", builder =>
            builder.AddMartenDefaults(options => options.Events.AddEventType<StepRecorded>())
                .AddIntegrationMessaging<StepMap>(builder, "relay-test"), _proxy.Port);
    }

    public async Task DisposeAsync()
    {
        _proxy.Restore();
        await _host.DisposeAsync();
        await _proxy.DisposeAsync();
        await RawSubscriber.DeleteQueueAsync(_servers, _queue);
    }

    [Fact]
    public async Task Events_appended_while_the_broker_is_away_are_published_once_each_in_stream_order_when_it_returns()
    {
        var queue = _queue;
        var store = _host.Services.GetRequiredService<IDocumentStore>();

        // The relay is publishing before the outage.
        var warmUp = Guid.NewGuid();
        await using (var before = await RawSubscriber.StartAsync(_servers, Exchange, queue))
        {
            await AppendAsync(store, warmUp, 1);
            await before.WaitForAsync(all => all.Any(m => FlowOf(m) == warmUp), TimeSpan.FromSeconds(30));
            Assert.Single(before.Received, m => FlowOf(m) == warmUp);
        }

        using var metrics = new RelayMetrics(_host.Services.GetRequiredService<IMeterFactory>());
        var publishedBefore = metrics.Published;

        await _proxy.CutAsync();
        var flows = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        const int steps = 10;
        for (var step = 1; step <= steps; step++)
        {
            foreach (var flow in flows)
            {
                await AppendAsync(store, flow, step); // one transaction each, interleaving the streams
            }
        }
        // Operators see the backlog: the lag metric counts what waits for the broker.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(metrics.Lag >= flows.Count * steps), TimeSpan.FromSeconds(15)),
            $"lag reported {metrics.Lag}");
        _proxy.Restore();

        await using var after = await RawSubscriber.StartAsync(_servers, Exchange, queue);
        await after.WaitForAsync(all => all.Count(m => flows.Contains(FlowOf(m))) >= flows.Count * steps, TimeSpan.FromSeconds(90));
        await RelayDrain.DrainAsync(store, after); // a duplicate would have arrived before the marker

        var received = after.Received.Where(m => flows.Contains(FlowOf(m))).ToList();
        Assert.Equal(flows.Count * steps, received.Count);
        Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct().Count());
        foreach (var flow in flows)
        {
            var order = received.Where(m => FlowOf(m) == flow).Select(m => m.Message.GetProperty("step").GetInt32());
            Assert.Equal(Enumerable.Range(1, steps), order);
        }

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(metrics.Lag == 0), TimeSpan.FromSeconds(15)), $"lag stayed {metrics.Lag}");
        Assert.Equal(flows.Count * steps + 1, metrics.Published - publishedBefore); // and the drain's marker

        // Each message id is the id of the event it was published from.
        await using var session = store.QuerySession();
        var eventIds = (await session.Events.FetchStreamAsync(flows[0])).Select(e => e.Id);
        Assert.Equal(eventIds, received.Where(m => FlowOf(m) == flows[0]).Select(m => m.MessageId));
    }

    /// <summary>Reads the relay's instruments of this host, as an OpenTelemetry exporter would.</summary>
    private sealed class RelayMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _lag = -1;
        private long _published;

        public RelayMetrics(IMeterFactory hostMeters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, hostMeters)
                    && instrument.Name is RelayMonitor.LagInstrument or RelayMonitor.PublishedInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == RelayMonitor.LagInstrument) Interlocked.Exchange(ref _lag, value);
                else Interlocked.Add(ref _published, value);
            });
            _listener.Start();
        }

        public long Lag
        {
            get
            {
                _listener.RecordObservableInstruments();
                return Interlocked.Read(ref _lag);
            }
        }

        public long Published => Interlocked.Read(ref _published);

        public void Dispose() => _listener.Dispose();
    }

    private static Guid FlowOf(RawMessage message) => message.Message.GetProperty("flowId").GetGuid();

    private static async Task AppendAsync(IDocumentStore store, Guid flow, int step)
    {
        await using var session = store.LightweightSession();
        session.Events.Append(flow, new StepRecorded(flow, step));
        await session.SaveChangesAsync();
    }
}
