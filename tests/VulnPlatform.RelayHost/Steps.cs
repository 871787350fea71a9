using JasperFx.Events;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.RelayHost;

/// <summary>The relay host's internal event, and the integration event it maps to.</summary>
public sealed record StepRecorded(Guid FlowId, int Step);

public sealed record StepPublished(Guid FlowId, int Step);

public sealed class StepMap : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes => [typeof(StepPublished)];

    public object? ToIntegrationEvent(IEvent @event) =>
        @event.Data is StepRecorded step ? new StepPublished(step.FlowId, step.Step) : null;
}

public static class RelayHostProgram
{
    /// <summary>Written to standard output once the host (and its bus) has started.</summary>
    public const string ReadyLine = "relay-host ready";

    /// <summary>The exchange its integration event is published to.</summary>
    public const string Exchange = "VulnPlatform.RelayHost:StepPublished";
}
