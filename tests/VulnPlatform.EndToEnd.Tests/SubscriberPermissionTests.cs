using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// A system outside the platform subscribes with a broker user of its own (platform.sh creates
/// "subscriber"): it binds its own queue to an event exchange and receives the events; it cannot
/// publish, nor read or bind a service's queue.
/// </summary>
public sealed class SubscriberPermissionTests
{
    private const string Exchange = "VulnPlatform.Contracts.Intake:ReportSubmitted";

    [Fact]
    public async Task An_external_subscriber_reads_events_from_a_queue_of_its_own_and_can_do_nothing_else()
    {
        var servers = await TestServers.GetAsync();
        await using var connection = await ConnectAsync(servers);
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclarePassiveAsync(Exchange); // declared by Intake at its start
            var queue = $"subscriber.e2e-{Guid.NewGuid():N}";
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true);
            await channel.QueueBindAsync(queue, Exchange, "");
            var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var consumer = new AsyncEventingBasicConsumer(channel);
            // Other tests submit reports at the same time: wait for this one's event.
            consumer.ReceivedAsync += (_, delivery) =>
            {
                var text = Encoding.UTF8.GetString(delivery.Body.Span);
                if (text.Contains("Seen by a subscriber")) received.TrySetResult(text);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

            using var client = Platform.Client();
            var submitted = await client.PostAsync("/api/reports", new StringContent("""
                {"kind":"vulnerability","title":"Seen by a subscriber","description":"An event for the outside.",
                 "product":{"vendor":"Acme","name":"Shop","version":"1"},"thirdParty":false,
                 "stepsToReproduce":"Submit.","impact":"None."}
                """, Encoding.UTF8, "application/json"));
            submitted.EnsureSuccessStatusCode();
            var body = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("Seen by a subscriber", body);
        }

        Assert.Equal(403, await BrokerRefusals.ReplyCodeAsync(connection, channel => channel.BasicPublishAsync(Exchange, "", true, new BasicProperties(), "{}"u8.ToArray()).AsTask(), confirmPublishes: true));
        Assert.Equal(403, await BrokerRefusals.ReplyCodeAsync(connection, channel => channel.QueueDeclarePassiveAsync("intake.report-acknowledged")
            .ContinueWith(t => channel.BasicGetAsync("intake.report-acknowledged", autoAck: true)).Unwrap()));
        Assert.Equal(403, await BrokerRefusals.ReplyCodeAsync(connection, channel => channel.QueueBindAsync("intake.report-acknowledged", Exchange, "")));
        Assert.Equal(403, await BrokerRefusals.ReplyCodeAsync(connection, channel => channel.QueueDeclareAsync("elsewhere", durable: false, exclusive: true, autoDelete: true)));
    }

    private static async Task<IConnection> ConnectAsync(TestServers servers)
    {
        var keys = Environment.GetEnvironmentVariable("VP_TEST_BROKER_KEYS")
            ?? throw new InvalidOperationException("VP_TEST_BROKER_KEYS is not set: run the end-to-end tests with `make test`.");
        return await new ConnectionFactory
        {
            HostName = servers.RabbitMqHost, Port = servers.RabbitMqPort, VirtualHost = servers.RabbitMqVirtualHost,
            UserName = "subscriber", Password = (await File.ReadAllTextAsync(Path.Combine(keys, "broker-subscriber-subscriber"))).Trim(),
        }.CreateConnectionAsync();
    }
}
