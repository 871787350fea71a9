using MassTransit;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// How an operator's replay reaches one consumer queue without any service being allowed to write
/// into another service's queues: each publisher owns a direct exchange <c>{service}.replay</c>, and
/// every consumer queue is bound to the replay exchanges of the publishers it may hear from, with its
/// own name as the routing key. A replay is a send to the publisher's replay exchange with the
/// target queue as routing key. Broker permissions then need no more than: a service writes to its
/// own contracts' exchanges and its own names (<c>{service}.*</c>), and reads what it consumes.
/// </summary>
public static class ReplayTopology
{
    /// <summary>The platform's services (the names each passes to <c>AddIntegrationMessaging</c>).</summary>
    public static readonly IReadOnlyList<string> PlatformPublishers =
        ["intake", "triage", "notification", "vendorcoordination", "disclosure", "identity"];

    public static string ExchangeOf(string publisher) => $"{publisher}.replay";

    /// <summary>The address a publisher sends its replays to.</summary>
    public static Uri AddressOf(string publisher) => new($"exchange:{ExchangeOf(publisher)}?type=direct");

    /// <summary>Binds a consumer queue to the replay exchanges of the platform's publishers and of <paramref name="extra"/>.</summary>
    public static void BindReplays(IReceiveEndpointConfigurator endpoint, string queue, IEnumerable<string> extra)
    {
        if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit) return;
        foreach (var publisher in PlatformPublishers.Concat(extra).Distinct())
        {
            rabbit.Bind(ExchangeOf(publisher), binding =>
            {
                binding.ExchangeType = "direct";
                binding.RoutingKey = queue;
            });
        }
    }
}

/// <summary>The name a service gave <c>AddIntegrationMessaging</c>: the prefix of its queues and its broker user's namespace.</summary>
public sealed record MessagingService(string Name);
