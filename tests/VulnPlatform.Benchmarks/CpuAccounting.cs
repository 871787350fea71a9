using System.Globalization;

/// <summary>
/// CPU time spent by each process of the platform over a stretch of a benchmark (Linux /proc): the
/// services by name, PostgreSQL (all its backends), RabbitMQ, and the load generator itself — where
/// the two cores went, which is what decides the figures on this machine.
/// </summary>
sealed class CpuAccounting
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Dictionary<int, (string Name, double Seconds)> _start;

    private CpuAccounting(Dictionary<int, (string Name, double Seconds)> start) => _start = start;

    public static CpuAccounting Start() => new(Snapshot());

    /// <summary>CPU seconds per process group since <see cref="Start"/>, largest first.</summary>
    public IReadOnlyList<(string Name, double Seconds)> Stop()
    {
        var end = Snapshot();
        return end.Select(p => (p.Value.Name, Seconds: p.Value.Seconds - (_start.TryGetValue(p.Key, out var s) && s.Name == p.Value.Name ? s.Seconds : 0)))
            .GroupBy(p => p.Name).Select(g => (g.Key, g.Sum(p => p.Seconds)))
            .Where(g => g.Item2 > 0.05).OrderByDescending(g => g.Item2).ToList();
    }

    public static string Format(IReadOnlyList<(string Name, double Seconds)> usage, double wallSeconds, int reports) =>
        $"CPU over {wallSeconds:F0} s ({usage.Sum(u => u.Seconds) / wallSeconds:F2} of {Environment.ProcessorCount} cores busy): " +
        string.Join(", ", usage.Select(u => $"{u.Name} {u.Seconds:F0} s ({u.Seconds * 1000 / Math.Max(1, reports):F1} ms/report)"));

    private static Dictionary<int, (string Name, double Seconds)> Snapshot()
    {
        var result = new Dictionary<int, (string Name, double Seconds)>();
        if (!Directory.Exists("/proc")) return result;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            try
            {
                var name = Classify(pid, File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' '));
                if (name is null) continue;
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                result[pid] = (name, ticks / TicksPerSecond);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while being read.
            }
        }
        return result;
    }

    private static string? Classify(int pid, string commandLine)
    {
        if (pid == Environment.ProcessId) return "load generator";
        var service = System.Text.RegularExpressions.Regex.Match(commandLine, @"VulnPlatform\.(\w+)(\.dll)?\b");
        if (service.Success && service.Groups[1].Value is not ("Benchmarks" or "Tests")) return service.Groups[1].Value.ToLowerInvariant();
        if (commandLine.StartsWith("postgres", StringComparison.Ordinal) || commandLine.Contains("/bin/postgres", StringComparison.Ordinal)) return "postgresql";
        if (commandLine.Contains("beam.smp", StringComparison.Ordinal)) return "rabbitmq";
        return null;
    }
}
