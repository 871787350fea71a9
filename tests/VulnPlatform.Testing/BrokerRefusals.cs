using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace VulnPlatform.Testing;

/// <summary>What RabbitMQ answers a broker user's attempt: 0 when it went through, else the AMQP reply code it closed the channel with (403: access refused).</summary>
public static class BrokerRefusals
{
    public static async Task<int> ReplyCodeAsync(IConnection connection, Func<IChannel, Task> attempt, bool confirmPublishes = false)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(confirmPublishes, confirmPublishes));
        try
        {
            await attempt(channel);
            return 0;
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            return channel.CloseReason?.ReplyCode ?? -1;
        }
    }
}
