using System.Diagnostics;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Shared.Tests.Relaying;
using VulnPlatform.Testing;
using Xunit.Abstractions;

namespace VulnPlatform.Shared.Tests.Topology;

public sealed record LedgerEntryPosted(Guid LedgerId, int Position);

/// <summary>What a consumer saw of one stream, in the order it applied it.</summary>
public sealed class LedgerTrail
{
    public Guid Id { get; set; }
    public List<int> Positions { get; set; } = [];
}

public sealed class LedgerConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<LedgerEntryPosted>(sessions, time)
{
    /// <summary>Positions whose first delivery fails once (a transient fault in the middle of a stream).</summary>
    public static readonly HashSet<int> FailOnce = [];

    protected override string ConsumerName => "ledger";

    protected override async Task HandleAsync(LedgerEntryPosted message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        lock (FailOnce)
        {
            if (FailOnce.Remove(message.Position)) throw new TimeoutException("a transient fault");
        }
        var trail = await session.LoadAsync<LedgerTrail>(message.LedgerId, cancellationToken) ?? new LedgerTrail { Id = message.LedgerId };
        trail.Positions.Add(message.Position);
        session.Store(trail);
    }
}

public sealed class StepConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<StepPublished>(sessions, time)
{
    protected override string ConsumerName => "steps";

    protected override async Task HandleAsync(StepPublished message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var trail = await session.LoadAsync<LedgerTrail>(message.FlowId, cancellationToken) ?? new LedgerTrail { Id = message.FlowId };
        trail.Positions.Add(message.Step);
        session.Store(trail);
    }
}

public sealed record ParcelScanned(Guid ParcelId);

/// <summary>One message per parcel (order means nothing), so it is marked independent; it notes how many it handled at once.</summary>
public sealed class ParcelConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ParcelScanned>(sessions, time), IIndependentMessages
{
    private static int _inFlight;
    private static int _mostAtOnce;

    public static int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    protected override string ConsumerName => "parcels";

    protected override async Task HandleAsync(ParcelScanned message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var most = MostAtOnce; now > most; most = MostAtOnce)
        {
            if (Interlocked.CompareExchange(ref _mostAtOnce, now, most) == most) break;
        }
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
        session.Store(new LedgerTrail { Id = message.ParcelId, Positions = [1] });
    }
}

public sealed class NeverPublishedMap : IIntegrationEventMap
{
    public const string Exchange = "VulnPlatform.Shared.Tests.Topology:AuditSealed";

    public IReadOnlyCollection<Type> ContractTypes => [typeof(AuditSealed)];

    public object? ToIntegrationEvent(JasperFx.Events.IEvent @event) => null;
}

public sealed record AuditSealed(Guid AuditId);

[Collection(BrokerOutageCollection.Name)]
public sealed class ConsumerTopologyTests(ITestOutputHelper output)
{
    private static Task<RunningHost> ConsumerAsync(TestServers servers, string service, Action<IBusRegistrationConfigurator> consumers) =>
        TestHost.StartAsync(servers, "topology_test", builder =>
            builder.AddMartenDefaults(options => options.Schema.For<LedgerTrail>())
                .AddIntegrationMessaging<NoIntegrationEvents>(builder, service, consumers),
            // Its queues accept replays from the test's publisher, as they do from the platform's services.
            settings: new Dictionary<string, string?> { ["Messaging:ReplayFrom:0"] = "early" });

    [Fact]
    public async Task Two_services_consuming_one_event_each_get_every_message_on_queues_named_after_them()
    {
        var servers = await TestServers.GetAsync();
        await using var alpha = await ConsumerAsync(servers, "alpha", bus => bus.AddConsumer<LedgerConsumer>());
        await using var beta = await ConsumerAsync(servers, "beta", bus => bus.AddConsumer<LedgerConsumer>());

        var ledger = Guid.NewGuid();
        var bus = alpha.Services.GetRequiredService<IBus>();
        for (var position = 1; position <= 10; position++)
        {
            await bus.Publish(new LedgerEntryPosted(ledger, position), c => c.CorrelationId = ledger);
        }

        foreach (var host in new[] { alpha, beta })
        {
            Assert.True(await Eventually.HoldsAsync(async () => (await TrailAsync(host, ledger)).Count == 10, TimeSpan.FromSeconds(30)));
            Assert.Equal(Enumerable.Range(1, 10), await TrailAsync(host, ledger));
        }
        await using var connection = await ConnectAsync(servers);
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclarePassiveAsync("alpha.ledger");
        await channel.QueueDeclarePassiveAsync("beta.ledger");
    }

    [Fact]
    public async Task Fifty_events_of_one_stream_with_a_retry_in_the_middle_are_applied_in_stream_order()
    {
        var servers = await TestServers.GetAsync();
        await using var host = await ConsumerAsync(servers, "ordered", bus => bus.AddConsumer<LedgerConsumer>());
        var ledger = Guid.NewGuid();
        var other = Guid.NewGuid();
        lock (LedgerConsumer.FailOnce) LedgerConsumer.FailOnce.Add(25);

        // Prefetch is above one (MassTransit's default is sixteen per consumer) and another stream interleaves.
        var bus = host.Services.GetRequiredService<IBus>();
        for (var position = 1; position <= 50; position++)
        {
            await bus.Publish(new LedgerEntryPosted(ledger, position), c => c.CorrelationId = ledger);
            await bus.Publish(new LedgerEntryPosted(other, position + 100), c => c.CorrelationId = other);
        }

        Assert.True(await Eventually.HoldsAsync(async () => (await TrailAsync(host, ledger)).Count == 50, TimeSpan.FromSeconds(60)));
        Assert.Equal(Enumerable.Range(1, 50), await TrailAsync(host, ledger));
        lock (LedgerConsumer.FailOnce) Assert.Empty(LedgerConsumer.FailOnce); // the fault did happen
    }

    [Fact]
    public async Task A_service_declares_the_exchanges_of_what_it_publishes_at_start()
    {
        var servers = await TestServers.GetAsync();
        await using (var connection = await ConnectAsync(servers))
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeleteAsync(NeverPublishedMap.Exchange);
        }

        await using var host = await TestHost.StartAsync(servers, "topology_test", builder =>
            builder.AddMartenDefaults(_ => { }).AddIntegrationMessaging<NeverPublishedMap>(builder, "declaring"));

        // Declared in the background from the start on (a broker away then delays it, never the start).
        await using var check = await ConnectAsync(servers);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await using var checkChannel = await check.CreateChannelAsync();
            try
            {
                await checkChannel.ExchangeDeclarePassiveAsync(NeverPublishedMap.Exchange);
                return true;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return false; // not yet (a passive declare of a missing exchange closes the channel)
            }
        }, TimeSpan.FromSeconds(30)), "the exchange of the contract the service publishes was not declared");
    }

    [Fact]
    public async Task A_consumer_started_after_100_events_catches_up_by_replay_and_a_second_replay_changes_nothing()
    {
        var servers = await TestServers.GetAsync();
        await using var publisher = await TestHost.StartAsync(servers, "topology_test", builder =>
            builder.AddMartenDefaults(options => options.Events.AddEventType<StepRecorded>())
                .AddIntegrationMessaging<StepMap>(builder, "early"));
        var flow = Guid.NewGuid();
        var store = publisher.Services.GetRequiredService<IDocumentStore>();
        for (var step = 1; step <= 100; step++)
        {
            await using var session = store.LightweightSession();
            session.Events.Append(flow, new StepRecorded(flow, step));
            await session.SaveChangesAsync();
        }
        var monitor = publisher.Services.GetRequiredService<RelayMonitor>();
        Assert.True(await Eventually.HoldsAsync(async () => { await monitor.RefreshAsync(default); return monitor.Lag == 0; }, TimeSpan.FromSeconds(30)));

        // A service deployed now, for the first time: its queue never existed before (a new name each run).
        var service = $"late-{Guid.NewGuid():N}"[..13];
        await using var late = await ConsumerAsync(servers, service, bus => bus.AddConsumer<StepConsumer>());
        // Everything was published (lag 0) before its queue existed: nothing is on its way to it.
        Assert.Empty(await TrailAsync(late, flow));

        var operations = publisher.Services.GetRequiredService<RelayOperations>();
        var watch = Stopwatch.StartNew();
        var replay = await operations.ReplayAsync($"{service}.step", 0, CancellationToken.None);
        Assert.True(await Eventually.HoldsAsync(async () => (await TrailAsync(late, flow)).Count == 100, TimeSpan.FromSeconds(60)));
        output.WriteLine($"catch-up: {replay.Sent} events replayed and applied in {watch.Elapsed.TotalMilliseconds:F0} ms ({replay.Sent / watch.Elapsed.TotalSeconds:F0}/s)");
        Assert.Equal(100, replay.Sent);
        Assert.Equal(Enumerable.Range(1, 100), await TrailAsync(late, flow));

        // Replayed again: the consumer finishes with every message a second time, and changes nothing.
        using (var consumed = new ConsumedMessages())
        {
            await operations.ReplayAsync($"{service}.step", 0, CancellationToken.None);
            await using var query = store.QuerySession();
            foreach (var @event in await query.Events.FetchStreamAsync(flow))
            {
                Assert.True(await consumed.WaitForAsync(@event.Id, nameof(StepConsumer), TimeSpan.FromSeconds(60)), $"step {@event.Version} was not consumed again");
            }
        }
        Assert.Equal(Enumerable.Range(1, 100), await TrailAsync(late, flow));

        // A queue that does not exist (or does not accept this publisher's replays) is refused, not silently fed.
        await Assert.ThrowsAsync<ReplayNotAcceptedException>(() => operations.ReplayAsync($"{service}.no-such-queue", 0, CancellationToken.None));

        await late.DisposeAsync();
        await RawSubscriber.DeleteQueueAsync(servers, $"{service}.step"); // a new name every run: remove it
    }

    [Fact]
    public async Task A_queue_whose_messages_are_independent_is_consumed_several_at_a_time_and_no_more_than_configured()
    {
        var servers = await TestServers.GetAsync();
        await using var host = await ConsumerAsync(servers, "parcels", bus => bus.AddConsumer<ParcelConsumer>());
        var parcels = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid()).ToList();

        var bus = host.Services.GetRequiredService<IBus>();
        foreach (var parcel in parcels) await bus.Publish(new ParcelScanned(parcel));

        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            foreach (var parcel in parcels) if ((await TrailAsync(host, parcel)).Count == 0) return false;
            return true;
        }, TimeSpan.FromSeconds(60)));
        output.WriteLine($"handled at once: up to {ParcelConsumer.MostAtOnce}");
        Assert.InRange(ParcelConsumer.MostAtOnce, 2, new MessagingOptions().IndependentConcurrency);
    }

    private static async Task<List<int>> TrailAsync(RunningHost host, Guid id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<LedgerTrail>(id))?.Positions ?? [];
    }

    private static Task<IConnection> ConnectAsync(TestServers servers) => new ConnectionFactory
    {
        HostName = servers.RabbitMqHost, Port = servers.RabbitMqPort, VirtualHost = servers.RabbitMqVirtualHost,
        UserName = "guest", Password = "guest",
    }.CreateConnectionAsync();
}
