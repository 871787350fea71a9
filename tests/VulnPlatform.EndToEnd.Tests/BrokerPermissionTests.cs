using RabbitMQ.Client;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Each service talks to RabbitMQ as a user of its own (platform.sh creates them): with Intake's
/// login nobody can forge another service's event (a staff message that would reach a reporter's
/// status view) or write straight into a queue.
/// </summary>
public sealed class BrokerPermissionTests
{
    private const string TriageContract = "VulnPlatform.Contracts.Triage:ReportAcknowledged";

    [Fact]
    public async Task Intakes_broker_user_cannot_publish_another_services_events_or_write_into_queues()
    {
        var servers = await TestServers.GetAsync();
        // The exchange exists (declared by a subscriber), so a refusal can only be about rights.
        await using (await RawSubscriber.StartAsync(servers, TriageContract)) { }

        Assert.Equal(403, await PublishAsIntakeAsync(servers, TriageContract, routingKey: ""));
        Assert.Equal(403, await PublishAsIntakeAsync(servers, "", routingKey: "intake.report-acknowledged"));
    }

    /// <summary>The AMQP reply code the broker closes the channel with (0 when it accepted the message).</summary>
    private static async Task<int> PublishAsIntakeAsync(TestServers servers, string exchange, string routingKey)
    {
        var keys = Environment.GetEnvironmentVariable("VP_TEST_BROKER_KEYS")
            ?? throw new InvalidOperationException("VP_TEST_BROKER_KEYS is not set: run the end-to-end tests with `make test`.");
        var factory = new ConnectionFactory
        {
            HostName = servers.RabbitMqHost, Port = servers.RabbitMqPort, VirtualHost = servers.RabbitMqVirtualHost,
            UserName = "vp-intake", Password = (await File.ReadAllTextAsync(Path.Combine(keys, "broker-intake"))).Trim(),
        };
        await using var connection = await factory.CreateConnectionAsync();
        return await BrokerRefusals.ReplyCodeAsync(connection, channel => channel.BasicPublishAsync(exchange, routingKey, mandatory: false,
            new BasicProperties(), """{"message":{"reportId":"forged"}}"""u8.ToArray()).AsTask(), confirmPublishes: true);
    }
}
