using System.Diagnostics;
using System.Globalization;

namespace VulnPlatform.Testing;

/// <summary>The checkout and the local servers deploy/local/servers.sh runs (for tests and benchmarks that inspect them).</summary>
public static class LocalServers
{
    /// <summary>The folder holding VulnPlatform.sln, above the running assembly.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Every queue of a RabbitMQ virtual host with the number of messages in it (rabbitmqctl list_queues).</summary>
    public static IReadOnlyDictionary<string, long> QueueMessages(string virtualHost)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(RepositoryRoot, "deploy/local/servers.sh"), "rabbitmqctl", "-q", "list_queues", "-p", virtualHost, "name", "messages", "--no-table-headers" })
        {
            start.ArgumentList.Add(argument);
        }
        // The servers of the set the test command chose (VP_SERVERS, inherited: deploy/local/server-set.sh).
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl list_queues failed: {process.StandardError.ReadToEnd()}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', ' ').Where(p => p.Length > 0).ToArray())
            .Where(p => p.Length == 2 && long.TryParse(p[1], CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A queue where failed messages wait for operators (not backlog that drains).</summary>
    public static bool IsFailureQueue(string queue) =>
        queue.EndsWith("_error", StringComparison.Ordinal) || queue.EndsWith("_skipped", StringComparison.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VulnPlatform.sln"))) return directory.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
