using System.Text.Json;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Which publishing failures retrying cannot cure: the message cannot be built or serialised, or
/// the bus refuses its type. Anything else (broker away, timeouts, connection resets) is transient.
/// </summary>
public static class PermanentRelayFailures
{
    public static bool IsPermanent(Exception exception) => exception switch
    {
        MappingFailedException => true,
        JsonException or NotSupportedException or MassTransit.MessageException => true,
        MassTransit.ConfigurationException or ArgumentException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsPermanent),
        _ => exception.InnerException is { } inner && IsPermanent(inner),
    };
}

/// <summary>An internal event's mapping to its contract threw; the event cannot be published as it is.</summary>
public sealed class MappingFailedException(string eventType, Exception inner)
    : Exception($"Mapping the event {eventType} to its integration event failed: {inner.Message}", inner);
