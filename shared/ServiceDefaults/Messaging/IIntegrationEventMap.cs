using JasperFx.Events;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// A service's choice of which of its internal events others may see, and in what shape: returns
/// the shared/Contracts record for an event, or null for events that stay inside the service.
/// </summary>
public interface IIntegrationEventMap
{
    object? ToIntegrationEvent(IEvent @event);
}
