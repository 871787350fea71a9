using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>Operator commands on data keys, run as <c>&lt;service&gt; rewrap-keys</c> with the service's configuration.</summary>
public static class DataKeyCommands
{
    public const string Rewrap = "rewrap-keys";

    /// <summary>Re-wraps every data key under the active key, printing progress; afterwards older keys can be removed.</summary>
    public static async Task<int> RewrapAsync(IServiceProvider services)
    {
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var ring = services.GetRequiredService<KeyRing>();
        var watch = Stopwatch.StartNew();
        var done = await services.GetRequiredService<DataKeyRotation>().RewrapAllAsync(
            new ConsoleProgress(),
            CancellationToken.None);
        Console.WriteLine($"{done} data keys re-wrapped under '{ring.ActiveKeyId}' in {watch.Elapsed.TotalSeconds:F1} s; " +
            "keys no longer named by any data key can be removed from Encryption:Keys.");
        return 0;
    }

    /// <summary>Prints each page as it is done (<see cref="Progress{T}"/> would print later, on the thread pool).</summary>
    private sealed class ConsoleProgress : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => Console.WriteLine($"re-wrapped {value.Done} of {value.Total} data keys");
    }
}
