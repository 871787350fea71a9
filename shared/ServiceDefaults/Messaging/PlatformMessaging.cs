using Marten;
using MassTransit;
using MassTransit.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.ServiceDefaults.Messaging;

public static class PlatformMessaging
{
    /// <summary>
    /// Everything a service needs to talk on the bus, in one call: the relay that publishes
    /// <typeparamref name="TMap"/>'s integration events from the event store (with dead letters,
    /// checkpoints and monitoring), the inbox behind every <see cref="IdempotentConsumer{TMessage}"/>,
    /// and MassTransit on RabbitMQ:
    /// <list type="bullet">
    /// <item>queues named after the consuming service (<c>intake.report-acknowledged</c>), so two
    /// services consuming one event each get every message;</item>
    /// <item>each queue's messages applied one at a time, retried with backoff in place, so a
    /// stream's events are applied in order; then the queue's <c>_error</c> queue, where operators see them;</item>
    /// <item>the exchanges of everything the service publishes declared at start, so a subscriber can
    /// bind before the first event;</item>
    /// <item>every queue bound for operator replays (<see cref="ReplayTopology"/>), and every name the
    /// service creates prefixed with its own, so its broker user can be limited to them;</item>
    /// <item>no usage telemetry, no host details in envelopes;</item>
    /// <item>a process whose bus does not start in time ends itself, to be started again (<see cref="BusStartWatchdog"/>).</item>
    /// </list>
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddIntegrationMessaging<TMap>(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten,
        IHostApplicationBuilder builder,
        string service,
        Action<IBusRegistrationConfigurator>? consumers = null,
        int concurrentMessages = 1)
        where TMap : class, IIntegrationEventMap
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(MessagingOptions.Section);
        services.Configure<MessagingOptions>(options);
        services.Configure<RabbitMqOptions>(builder.Configuration.GetSection(RabbitMqOptions.Section));

        services.ConfigureMarten(store =>
        {
            store.Schema.For<ProcessedMessage>();
            RelayCheckpoints.AddSchema(store);
        });
        services.AddSingleton(new MessagingService(service));
        services.AddSingleton<IIntegrationEventMap, TMap>();
        services.AddSingleton<IntegrationEventPublisher>();
        services.AddSingleton<RelayCheckpoints>();
        services.AddSingleton<RelayMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<RelayMonitor>());
        services.AddSingleton<RelayOperations>();
        services.AddSingleton<IDefaultEndpoints, RelayOperationsEndpoints>();
        services.AddHealthChecks().AddCheck<RelayMonitor>("relay", tags: [ServiceDefaultsExtensions.ReadyTag]);
        services.AddSingleton<IMaintenanceTask, InboxCleanup>();
        services.AddHostedService<MaintenanceService>();
        builder.AddInternalApi();
        if (typeof(TMap) != typeof(NoIntegrationEvents))
        {
            marten.AddSubscriptionWithServices<IntegrationEventRelay>(ServiceLifetime.Singleton, subscription =>
            {
                subscription.Name = IntegrationEventRelay.SubscriptionName;
                subscription.Options.BatchSize = 500;
            });
        }

        services.AddSingleton<BrokerTopology>();
        if (!TopologyDeployment.Requested) services.AddHostedService<TopologyDeclaration>();
        services.AddSingleton<BusStartWatchdog>();
        services.AddHostedService(sp => sp.GetRequiredService<BusStartWatchdog>());
        services.AddBusObserver(sp => sp.GetRequiredService<BusStartWatchdog>());
        HideHostDetails();
        var rabbit = builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        var replayFrom = options.Get<MessagingOptions>()?.ReplayFrom ?? [];
        var independentConcurrency = Math.Max(1, options.Get<MessagingOptions>()?.IndependentConcurrency ?? new MessagingOptions().IndependentConcurrency);
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            var names = new KebabCaseEndpointNameFormatter(service + ".", includeNamespace: false);
            bus.SetEndpointNameFormatter(names);
            consumers?.Invoke(bus);
            var independentQueues = IndependentQueues(services, names);
            bus.AddConfigureEndpointsCallback((_, queue, endpoint) =>
            {
                if (rabbit.QuorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator quorum) quorum.SetQuorumQueue();
                ReplayTopology.BindReplays(endpoint, queue, replayFrom);
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    retryLimit: 5,
                    minInterval: TimeSpan.FromMilliseconds(200),
                    maxInterval: TimeSpan.FromSeconds(10),
                    intervalDelta: TimeSpan.FromMilliseconds(400)));
                // One message at a time per queue, retried in place: a retry holds the later messages
                // back, so a stream's events are applied in the order they were published. (An endpoint
                // partitioner keyed on CorrelationId did not hold them back in MassTransit 8.5: the
                // retry sat outside it; measured by the ordering test.)
                // A service whose messages are independent of each other (Notification: each event is its
                // own set of deliveries, queues differ per type anyway) may take several at once.
                endpoint.ConcurrentMessageLimit = independentQueues.Contains(queue) ? Math.Max(concurrentMessages, independentConcurrency) : concurrentMessages;
                // A message that still fails goes to the queue's _error queue, where operators see it;
                // no Fault<T> event to an exchange outside the service's names (its broker user may not).
                endpoint.PublishFaults = false;
            });

            bus.UsingRabbitMq((context, transport) =>
            {
                transport.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, host =>
                {
                    host.Username(rabbit.Username);
                    host.Password(rabbit.Password);
                });
                // The bus's own temporary queue carries the service's name too, so the service's
                // broker user needs no permissions beyond its own names.
                transport.OverrideDefaultBusEndpointQueueName($"{service}.bus-{NewId.NextGuid():N}");
                if (rabbit.QuorumQueues)
                {
                    // Failed and unconsumed messages are kept as safely as the queues they came from.
                    transport.SendTopology.ConfigureErrorSettings = settings => settings.SetQueueArgument("x-queue-type", "quorum");
                    transport.SendTopology.ConfigureDeadLetterSettings = settings => settings.SetQueueArgument("x-queue-type", "quorum");
                }
                transport.DeployTopologyOnly = TopologyDeployment.Requested;
                transport.ConfigureEndpoints(context);
            });
        });
        return marten;
    }

    /// <summary>The queues of the registered consumers marked <see cref="IIndependentMessages"/>, named as their endpoints are.</summary>
    private static HashSet<string> IndependentQueues(IServiceCollection services, IEndpointNameFormatter names)
    {
        var consumer = typeof(IEndpointNameFormatter).GetMethod(nameof(IEndpointNameFormatter.Consumer))!;
        return services.Select(d => d.ServiceType)
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IIndependentMessages).IsAssignableFrom(t) && typeof(IConsumer).IsAssignableFrom(t))
            .Select(t => (string)consumer.MakeGenericMethod(t).Invoke(names, null)!)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// MassTransit writes the sending machine's name, process and versions into every envelope;
    /// subscribers outside the platform have no business knowing them.
    /// </summary>
    private static void HideHostDetails()
    {
        if (HostMetadataCache.Host is BusHostInfo host)
        {
            host.MachineName = "vulnplatform";
            host.ProcessName = "vulnplatform";
            host.ProcessId = 0;
            host.OperatingSystemVersion = "";
            host.FrameworkVersion = "";
        }
    }
}
