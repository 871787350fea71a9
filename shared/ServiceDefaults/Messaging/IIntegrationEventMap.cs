using JasperFx.Events;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// A service's choice of which of its internal events others may see, and in what shape: returns
/// the shared/Contracts record for an event, or null for events that stay inside the service.
/// </summary>
public interface IIntegrationEventMap
{
    /// <summary>Every contract type this map can return; their exchanges are declared at start.</summary>
    IReadOnlyCollection<Type> ContractTypes { get; }

    object? ToIntegrationEvent(IEvent @event);
}

/// <summary>The map of a service that publishes nothing (it only consumes).</summary>
public sealed class NoIntegrationEvents : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes => [];

    public object? ToIntegrationEvent(IEvent @event) => null;
}
