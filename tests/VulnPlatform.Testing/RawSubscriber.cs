using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace VulnPlatform.Testing;

/// <summary>A message as a system outside the platform sees it on RabbitMQ.</summary>
public sealed record RawMessage(string Exchange, JsonElement Envelope, IDictionary<string, object?> Headers)
{
    /// <summary>The contract's name: the exchange is <c>Namespace:Type</c>.</summary>
    public string Type => Exchange[(Exchange.LastIndexOf(':') + 1)..];

    public Guid MessageId => Envelope.GetProperty("messageId").GetGuid();
    public JsonElement Message => Envelope.GetProperty("message");
    public string RawJson => Envelope.GetRawText();
}

/// <summary>
/// A plain RabbitMQ.Client consumer (no MassTransit) bound to an integration event's exchange,
/// showing that any system can subscribe to the platform's events.
/// </summary>
public sealed class RawSubscriber : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<RawMessage> _received = new();

    private RawSubscriber(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyCollection<RawMessage> Received => _received.ToArray();

    /// <summary>Binds a queue to <paramref name="exchange"/>. A named queue is durable and survives a broker restart.</summary>
    public static Task<RawSubscriber> StartAsync(TestServers servers, string exchange, string? durableQueue = null) =>
        StartAsync(servers, [exchange], durableQueue);

    /// <summary>One queue bound to several exchanges: messages of one stream arrive in the order they were published.</summary>
    public static async Task<RawSubscriber> StartAsync(TestServers servers, IReadOnlyList<string> exchanges, string? durableQueue = null)
    {
        var factory = new ConnectionFactory
        {
            HostName = servers.RabbitMqHost,
            Port = servers.RabbitMqPort,
            VirtualHost = servers.RabbitMqVirtualHost,
            UserName = "guest",
            Password = "guest",
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = durableQueue is null
            ? (await channel.QueueDeclareAsync()).QueueName
            : (await channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false)).QueueName;
        foreach (var exchange in exchanges)
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, routingKey: "");
        }

        var subscriber = new RawSubscriber(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var headers = (delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
                .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : h.Value);
            subscriber._received.Enqueue(new RawMessage(delivery.Exchange, document.RootElement.Clone(), headers));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return subscriber;
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for what was received, or the timeout passes.</summary>
    public async Task<IReadOnlyCollection<RawMessage>> WaitForAsync(
        Func<IReadOnlyCollection<RawMessage>, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!predicate(Received) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return Received;
    }

    /// <summary>Removes a durable queue a test made, so it does not collect every later test's messages.</summary>
    public static async Task DeleteQueueAsync(TestServers servers, string queue)
    {
        var factory = new ConnectionFactory
        {
            HostName = servers.RabbitMqHost, Port = servers.RabbitMqPort, VirtualHost = servers.RabbitMqVirtualHost,
            UserName = "guest", Password = "guest",
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
