using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Shared.Tests.Relaying;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.DeadLetters;

/// <summary>A map whose mapping of one step throws until it is mended (a bug fixed in a later deploy).</summary>
public sealed class FragileStepMap : IIntegrationEventMap
{
    public static volatile int PoisonStep = 13;

    public IReadOnlyCollection<Type> ContractTypes => [typeof(StepPublished)];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data is StepRecorded step
        ? step.Step == PoisonStep ? throw new FormatException($"step {step.Step} cannot be mapped") : new StepPublished(step.FlowId, step.Step)
        : null;
}

[Collection(BrokerOutageCollection.Name)]
public sealed class RelayDeadLetterTests : IAsyncLifetime
{
    private const string Exchange = RelayHostProgram.Exchange;
    private RunningHost _host = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync()
    {
        FragileStepMap.PoisonStep = 13;
        _host = await TestHost.StartAsync(await TestServers.GetAsync(), "deadletter_test", builder =>
            builder.AddMartenDefaults(options => options.Events.AddEventType<StepRecorded>())
                .AddIntegrationMessaging<FragileStepMap>(builder, "deadletter-test"), logs: _logs);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_poison_event_is_dead_lettered_the_rest_published_once_in_order_and_readiness_degrades_until_an_operator_acts()
    {
        var servers = await TestServers.GetAsync();
        await using var subscriber = await RawSubscriber.StartAsync(servers, Exchange);
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        var flow = Guid.NewGuid();
        for (var step = 1; step <= 20; step++)
        {
            await using var session = store.LightweightSession();
            session.Events.Append(flow, new StepRecorded(flow, step));
            await session.SaveChangesAsync();
        }

        await subscriber.WaitForAsync(all => all.Count(m => FlowOf(m) == flow) >= 19, TimeSpan.FromSeconds(30));
        await RelayDrain.DrainAsync(store, subscriber); // a repeat would have arrived before the marker
        var steps = subscriber.Received.Where(m => FlowOf(m) == flow).Select(m => m.Message.GetProperty("step").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Where(s => s != 13), steps);

        // Operators see it: a dead letter with the reason, a log at Error, readiness degraded.
        var operations = _host.Services.GetRequiredService<RelayOperations>();
        var letter = Assert.Single(await operations.DeadLettersAsync(CancellationToken.None));
        await using (var query = store.QuerySession())
        {
            var poison = (await query.Events.FetchStreamAsync(flow))[12];
            Assert.Equal(poison.Sequence, letter.EventSequence);
        }
        // The log names the event and the reason (Marten's dead letter keeps its own summary).
        Assert.Contains(_logs.Lines, line => line.StartsWith("Error ") && line.Contains("dead-lettered event") && line.Contains("step 13 cannot be mapped"));
        var monitor = _host.Services.GetRequiredService<RelayMonitor>();
        await monitor.RefreshAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Degraded, (await ReadinessAsync()).Status);

        // The mapping is mended; the operator re-publishes the dead letter and readiness recovers.
        FragileStepMap.PoisonStep = -1;
        Assert.True(await operations.RepublishAsync(letter.Id, CancellationToken.None));
        await subscriber.WaitForAsync(all => all.Any(m => FlowOf(m) == flow && m.Message.GetProperty("step").GetInt32() == 13), TimeSpan.FromSeconds(10));
        Assert.Single(subscriber.Received, m => FlowOf(m) == flow && m.Message.GetProperty("step").GetInt32() == 13);
        Assert.Empty(await operations.DeadLettersAsync(CancellationToken.None));
        Assert.Equal(HealthStatus.Healthy, (await ReadinessAsync()).Status);
        Assert.False(await operations.RepublishAsync(letter.Id, CancellationToken.None)); // gone once handled
    }

    private async Task<HealthReport> ReadinessAsync() =>
        await _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "relay");

    private static Guid FlowOf(RawMessage message) => message.Message.GetProperty("flowId").GetGuid();
}
