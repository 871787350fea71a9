using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Shared.Tests.Relaying;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.Inbox;

public sealed record BadgeIssued(Guid BadgeId);

public sealed class Badge
{
    public Guid Id { get; set; }
}

/// <summary>Inserts a badge that already exists: a conflict that is not the inbox's own.</summary>
public sealed class BadgeConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<BadgeIssued>(sessions, time)
{
    protected override string ConsumerName => "badges";

    protected override Task HandleAsync(BadgeIssued message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        session.Insert(new Badge { Id = message.BadgeId });
        return Task.CompletedTask;
    }
}

public sealed class FaultCounter : IConsumeObserver
{
    private int _faults;

    public int Faults => _faults;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Interlocked.Increment(ref _faults);
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
}

[Collection(BrokerOutageCollection.Name)]
public sealed class InboxTests
{
    [Fact]
    public async Task A_conflict_that_is_not_the_inbox_record_is_an_error_not_a_silent_duplicate()
    {
        var servers = await TestServers.GetAsync();
        await using var host = await TestHost.StartAsync(servers, "inbox_test", builder =>
            builder.AddMartenDefaults(options => options.Schema.For<Badge>())
                .AddIntegrationMessaging<NoIntegrationEvents>(builder, "inbox-test", bus => bus.AddConsumer<BadgeConsumer>()));
        var faults = new FaultCounter();
        host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(faults);
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var badge = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Insert(new Badge { Id = badge });
            await session.SaveChangesAsync();
        }

        var messageId = NewId.NextGuid();
        await host.Services.GetRequiredService<IBus>().Publish(new BadgeIssued(badge), c => c.MessageId = messageId);

        // Retried, then faulted (to the _error queue), and never recorded as processed.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(faults.Faults >= 1), TimeSpan.FromSeconds(60)));
        await using var query = store.QuerySession();
        Assert.Null(await query.LoadAsync<ProcessedMessage>(IdempotentConsumer<BadgeIssued>.RecordId("badges", messageId)));
    }

    [Fact]
    public async Task Processed_message_records_older_than_the_retention_are_removed_and_newer_ones_kept()
    {
        var servers = await TestServers.GetAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(servers, "inbox_test", builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.AddMartenDefaults(_ => { }).AddIntegrationMessaging<NoIntegrationEvents>(builder, "inbox-clean");
        });
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(new ProcessedMessage("x/old", clock.GetUtcNow().AddDays(-31)));
            session.Store(new ProcessedMessage("x/recent", clock.GetUtcNow().AddDays(-29)));
            await session.SaveChangesAsync();
        }

        var removed = await host.Services.GetServices<IMaintenanceTask>().Single(t => t.Name == "inbox").RunAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        await using var query = store.QuerySession();
        Assert.Null(await query.LoadAsync<ProcessedMessage>("x/old"));
        Assert.NotNull(await query.LoadAsync<ProcessedMessage>("x/recent"));
    }
}
