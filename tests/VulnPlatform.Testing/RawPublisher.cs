using System.Text.Json;
using MassTransit;
using RabbitMQ.Client;

namespace VulnPlatform.Testing;

/// <summary>
/// Publishes a contract the way a service's relay does (a MassTransit JSON envelope on the contract's
/// exchange, the message id given), so a service's consumers can be tested without its publisher running.
/// </summary>
public static class RawPublisher
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <param name="exchange">The exchange to publish to instead of the contract's own.</param>
    public static async Task PublishAsync(TestServers servers, object message, Guid? messageId = null, string? exchange = null)
    {
        var urn = MessageUrn.ForTypeString(message.GetType());
        exchange ??= urn["urn:message:".Length..];
        var envelope = JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = messageId ?? Guid.NewGuid(),
            messageType = new[] { urn },
            message,
            sentTime = DateTimeOffset.UtcNow,
        }, Web);
        var factory = new ConnectionFactory
        {
            HostName = servers.RabbitMqHost, Port = servers.RabbitMqPort, VirtualHost = servers.RabbitMqVirtualHost,
            UserName = "guest", Password = "guest",
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.BasicPublishAsync(exchange, "", false, new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, envelope);
    }
}
