using JasperFx.Events;
using VulnPlatform.ServiceDefaults.Messaging;
using Integration = VulnPlatform.Contracts.Intake;

namespace VulnPlatform.Intake.Reports;

/// <summary>What Intake tells the rest of the platform. Reporter contact details are never mapped.</summary>
public sealed class IntakeIntegrationEvents : IIntegrationEventMap
{
    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        ReportSubmitted e => new Integration.ReportSubmitted(
            e.ReportId, e.TrackingNumber, e.Kind, e.Title, e.Description,
            e.Product is { } product ? new Integration.AffectedProduct(product.Vendor, product.Name, product.Version) : null,
            e.ThirdParty, e.StepsToReproduce, e.Impact, e.Cwe, e.Anonymous, e.SubmittedBy, e.SubmittedAt),
        SubmissionRouted e => new Integration.SubmissionRouted(e.ReportId, e.TrackingNumber, e.Kind, e.Desk, e.RoutedAt),
        AttachmentAdded e => new Integration.AttachmentAdded(
            e.ReportId, e.TrackingNumber, e.AttachmentId, e.FileName, e.Size, e.Sha256, e.SniffedContentType, e.AddedBy, e.AddedAt),
        ReporterMessagePosted e => new Integration.ReporterMessagePosted(
            e.ReportId, e.TrackingNumber, e.MessageId, e.Text, e.AttachmentIds, e.PostedBy, e.PostedAt),
        ReporterConsentChanged e => new Integration.ReporterConsentChanged(
            e.ReportId, e.TrackingNumber, e.ShareIdentityWithVendor, e.PublicCredit, e.CreditName, e.ChangedBy, e.ChangedAt),
        ReportWithdrawn e => new Integration.ReportWithdrawn(e.ReportId, e.TrackingNumber, e.Reason, e.WithdrawnBy, e.WithdrawnAt),
        _ => null,
    };
}
