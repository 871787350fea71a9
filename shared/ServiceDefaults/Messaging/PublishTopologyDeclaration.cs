using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Declares the exchange of every contract the service publishes when it starts (durable fanout,
/// named as MassTransit names it, <c>Namespace:Type</c>), so a subscriber — another service, an
/// external system — can bind before the first event instead of missing it. MassTransit itself
/// declares an exchange only with its first message.
/// </summary>
public sealed class PublishTopologyDeclaration(IIntegrationEventMap map, IOptions<RabbitMqOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (map.ContractTypes.Count == 0) return;
        var rabbit = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host, Port = rabbit.Port, VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username, Password = rabbit.Password, ClientProvidedName = "publish-topology",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var contract in map.ContractTypes)
        {
            await channel.ExchangeDeclareAsync(MessageUrn.ForTypeString(contract)["urn:message:".Length..], ExchangeType.Fanout,
                durable: true, autoDelete: false, cancellationToken: cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
