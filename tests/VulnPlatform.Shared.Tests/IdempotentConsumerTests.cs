using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.Consuming;

public sealed record DonationPledged(Guid TallyId, int Amount);

public sealed class Tally
{
    public Guid Id { get; set; }
    public int Total { get; set; }
}

public sealed class TallyConsumer(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<DonationPledged>(sessions, time)
{
    protected override string ConsumerName => "tally";

    protected override async Task HandleAsync(DonationPledged message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var tally = await session.LoadAsync<Tally>(message.TallyId, cancellationToken) ?? new Tally { Id = message.TallyId };
        tally.Total += message.Amount;
        session.Store(tally);
    }
}

public sealed class IdempotentConsumerTests : IAsyncLifetime
{
    private RunningHost _host = null!;
    private readonly Deliveries _deliveries = new();

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _host = await TestHost.StartAsync(servers, "consumer_test", builder =>
            builder.AddMartenDefaults(_ => { })
                .AddIntegrationMessaging<NoIntegrationEvents>(builder, "tally-test", bus => bus.AddConsumer<TallyConsumer>()));
        _host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_deliveries);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_message_delivered_twice_is_applied_once_and_a_new_message_is_applied_again()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var tallyId = Guid.NewGuid();
        var repeated = NewId.NextGuid();

        // The same message twice at once (as a relay repeat or a redelivery would bring it).
        await Task.WhenAll(
            bus.Publish(new DonationPledged(tallyId, 10), c => c.MessageId = repeated),
            bus.Publish(new DonationPledged(tallyId, 10), c => c.MessageId = repeated));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_deliveries.Of(repeated) == 2), TimeSpan.FromSeconds(30)),
            "both deliveries were consumed");
        Assert.Equal(10, await TotalAsync(tallyId));

        // And once more, later.
        await bus.Publish(new DonationPledged(tallyId, 10), c => c.MessageId = repeated);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_deliveries.Of(repeated) == 3), TimeSpan.FromSeconds(30)));
        Assert.Equal(10, await TotalAsync(tallyId));

        var another = NewId.NextGuid();
        await bus.Publish(new DonationPledged(tallyId, 5), c => c.MessageId = another);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_deliveries.Of(another) == 1), TimeSpan.FromSeconds(30)));
        Assert.Equal(15, await TotalAsync(tallyId));
    }

    private async Task<int> TotalAsync(Guid tallyId)
    {
        await using var session = _host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<Tally>(tallyId))?.Total ?? 0;
    }
}
