using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// The parts of the broker topology a service declares besides the queues and bindings MassTransit
/// declares for its consumers:
/// <list type="bullet">
/// <item>the exchange of every contract it publishes (durable fanout, named as MassTransit names it,
/// <c>Namespace:Type</c>), so a subscriber can bind before the first event;</item>
/// <item>its <b>park</b>, <c>{service}.unroutable</c> (exchange and queue): the broker policy
/// <c>vp-unroutable-{service}</c> (set with the service's broker user) makes it the alternate exchange
/// of the service's contract exchanges, so an event published while no queue at all is bound is kept
/// there instead of being dropped (up to <see cref="ParkLimit"/>); readiness and <c>vulnplatform.relay.unroutable</c> report it;</item>
/// <item>its <b>marker</b>, the exchange <c>{service}.topology</c>, declared once every queue of the
/// service is declared and bound: the relays of the platform publish nothing before every platform
/// service's marker exists (<see cref="MissingAsync"/>), so an event is never published before the
/// queues that must hear it (a first start in any order, or <c>deploy-topology</c> before the services).</item>
/// </list>
/// </summary>
public sealed class BrokerTopology(
    IIntegrationEventMap map, MessagingService service, IOptions<RabbitMqOptions> options, ILogger<BrokerTopology> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;
    private volatile bool _complete;

    /// <summary>The most events a park keeps (the oldest are dropped past it).</summary>
    public const int ParkLimit = 100_000;

    public static string MarkerOf(string service) => $"{service}.topology";

    public static string ParkOf(string service) => $"{service}.unroutable";

    public string Park => ParkOf(service.Name);

    /// <summary>The contract exchanges of what the service publishes, and its park.</summary>
    public async Task DeclareOwnAsync(CancellationToken cancellationToken)
    {
        await using var channel = await ChannelAsync(cancellationToken);
        foreach (var contract in map.ContractTypes)
        {
            await channel.ExchangeDeclareAsync(MessageUrn.ForTypeString(contract)["urn:message:".Length..], ExchangeType.Fanout,
                durable: true, autoDelete: false, cancellationToken: cancellationToken);
        }
        await channel.ExchangeDeclareAsync(Park, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        // Bounded: a contract nobody subscribes to parks every event of it; the oldest go first past this.
        var arguments = new Dictionary<string, object?> { ["x-max-length"] = ParkLimit };
        if (options.Value.QuorumQueues) arguments["x-queue-type"] = "quorum";
        await channel.QueueDeclareAsync(Park, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Park, Park, "", cancellationToken: cancellationToken);
    }

    /// <summary>Says the service's queues are declared and bound (call it only then).</summary>
    public async Task DeclareMarkerAsync(CancellationToken cancellationToken)
    {
        await using var channel = await ChannelAsync(cancellationToken);
        await channel.ExchangeDeclareAsync(MarkerOf(service.Name), ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }

    /// <summary>The services among <paramref name="services"/> whose marker does not exist yet (none once all did: markers stay).</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(IEnumerable<string> services, CancellationToken cancellationToken)
    {
        if (_complete) return [];
        var missing = new List<string>();
        foreach (var name in services)
        {
            // A passive declare of an exchange that does not exist closes the channel: one channel each.
            await using var channel = await ChannelAsync(cancellationToken);
            try
            {
                await channel.ExchangeDeclarePassiveAsync(MarkerOf(name), cancellationToken);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                missing.Add(name);
            }
        }
        _complete = missing.Count == 0;
        return missing;
    }

    /// <summary>Messages in the service's park (published while no queue was bound); null when the park does not exist yet.</summary>
    public async Task<long?> ParkedAsync(CancellationToken cancellationToken)
    {
        await using var channel = await ChannelAsync(cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(Park, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    /// <summary>Whether the broker takes the service's login now (a channel opens).</summary>
    public async Task<bool> ReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var channel = await ChannelAsync(timeout.Token);
            return channel.IsOpen;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(e, "The broker does not take the service's login");
            return false;
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                if (_connection is not null) await _connection.DisposeAsync();
                _connection = null;
                var rabbit = options.Value;
                var factory = new ConnectionFactory
                {
                    HostName = rabbit.Host, Port = rabbit.Port, VirtualHost = rabbit.VirtualHost,
                    UserName = rabbit.Username, Password = rabbit.Password, ClientProvidedName = $"{service.Name}-topology",
                    AutomaticRecoveryEnabled = false, // a closed connection is replaced on the next use
                };
                _connection = await factory.CreateConnectionAsync(cancellationToken);
            }
            return await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            try
            {
                await _connection.CloseAsync();
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
            {
                logger.LogDebug(e, "Closing the topology connection");
            }
            await _connection.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
