using System.Diagnostics;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The platform's consumer queues are quorum queues (replicated over a cluster's nodes, so losing a
/// node loses no message), as RabbitMQ itself lists them for the platform's virtual host.
/// </summary>
public sealed class QuorumQueueTests
{
    [Fact]
    public async Task Every_consumer_queue_of_every_service_is_a_quorum_queue()
    {
        var vhost = Environment.GetEnvironmentVariable("VP_TEST_RABBITMQ_VHOST") ?? "e2e";
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var start = new ProcessStartInfo(Path.Combine(root, "deploy/local/servers.sh"), ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "type", "--no-table-headers"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);

        var queues = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).Where(f => f.Length >= 2)
            .Where(f => f[0].Split('.')[0] is "identity" or "intake" or "triage" or "notification" or "vendorcoordination" or "disclosure" && !f[0].Contains(".bus-"))
            .ToList();
        Assert.True(queues.Count > 30, $"the services declared only {queues.Count} queues:\n{output}");
        Assert.All(queues, f => Assert.True(f[1] == "quorum", $"{f[0]} is a {f[1]} queue"));
    }
}
