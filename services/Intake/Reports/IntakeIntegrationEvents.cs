using JasperFx.Events;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Reports;

/// <summary>What Intake tells the rest of the platform. Reporter contact details are never mapped.</summary>
public sealed class IntakeIntegrationEvents : IIntegrationEventMap
{
    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        Reports.ReportSubmitted submitted => new Contracts.Intake.ReportSubmitted(
            submitted.ReportId,
            submitted.TrackingNumber,
            submitted.Kind,
            submitted.Title,
            submitted.Description,
            submitted.Product is { } product
                ? new AffectedProduct(product.Vendor, product.Name, product.Version)
                : null,
            submitted.ThirdParty,
            submitted.StepsToReproduce,
            submitted.Impact,
            submitted.Cwe,
            submitted.Anonymous,
            submitted.Language,
            submitted.SubmittedBy,
            submitted.SubmittedAt),
        _ => null,
    };
}
