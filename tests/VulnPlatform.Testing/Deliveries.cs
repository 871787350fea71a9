using System.Collections.Concurrent;
using MassTransit;

namespace VulnPlatform.Testing;

/// <summary>Counts finished deliveries by message id, whether or not the consumer applied them.</summary>
public sealed class Deliveries : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _finished = new();

    public int Of(Guid messageId) => _finished.GetValueOrDefault(messageId);

    public Task<bool> ReachAsync(Guid messageId, int count) =>
        Eventually.HoldsAsync(() => Task.FromResult(Of(messageId) >= count), TimeSpan.FromSeconds(30));

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        _finished.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
