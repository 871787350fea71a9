using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit.Logging;

namespace VulnPlatform.Testing;

/// <summary>
/// The messages consumers in this process have finished with (applied, or skipped as a repeat), from the
/// consume activities MassTransit reports: a test that sends a repeat waits until the consumer is done
/// with it, then checks that nothing happened twice — instead of sleeping and hoping it was long enough.
/// Start it before sending.
/// </summary>
public sealed class ConsumedMessages : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentBag<(string MessageId, string Consumer)> _finished = [];

    public ConsumedMessages()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DiagnosticHeaders.DefaultListenerName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(DiagnosticHeaders.ConsumerType) is { } consumer && activity.GetTagItem(DiagnosticHeaders.MessageId) is { } id)
                {
                    _finished.Add((id.ToString()!, consumer.ToString()!));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Whether a consumer whose type name contains <paramref name="consumer"/> finished with message <paramref name="messageId"/> within <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForAsync(Guid messageId, string consumer, TimeSpan timeout) =>
        Eventually.HoldsAsync(() => Task.FromResult(_finished.Any(f => Guid.TryParse(f.MessageId, out var id) && id == messageId
            && f.Consumer.Contains(consumer, StringComparison.Ordinal))), timeout);

    /// <summary>The consumer type names that finished with <paramref name="messageId"/> (for a failure message).</summary>
    public IEnumerable<string> ConsumersOf(Guid messageId) =>
        _finished.Where(f => Guid.TryParse(f.MessageId, out var id) && id == messageId).Select(f => f.Consumer);

    public void Dispose() => _listener.Dispose();
}
