using JasperFx.Events;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Reports;

/// <summary>What Intake tells the rest of the platform. Reporter contact details are never mapped.</summary>
public sealed class IntakeIntegrationEvents : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes { get; } =
    [
        typeof(ReportSubmitted), typeof(SubmissionRouted), typeof(AttachmentAdded), typeof(ReporterMessagePosted),
        typeof(ReporterConsentChanged), typeof(ReportWithdrawn), typeof(ReporterDataErased),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        ReportFiled e => new ReportSubmitted(
            e.ReportId, e.TrackingNumber, e.Kind, e.Title, e.Description,
            e.Product is { } product ? new AffectedProduct(product.Vendor, product.Name, product.Version) : null,
            e.ThirdParty, e.StepsToReproduce, e.Impact, e.Cwe, e.Anonymous, e.SubmittedBy, e.SubmittedAt, e.SuggestedCvssVector),
        ReportRoutedToDesk e => new SubmissionRouted(e.ReportId, e.TrackingNumber, e.Kind, e.Desk, e.RoutedAt),
        AttachmentStored e => new AttachmentAdded(
            e.ReportId, e.TrackingNumber, e.AttachmentId, e.FileName, e.Size, e.Sha256, e.SniffedContentType, e.AddedBy, e.AddedAt),
        ReporterWrote e => new ReporterMessagePosted(
            e.ReportId, e.TrackingNumber, e.MessageId, e.Text, e.AttachmentIds, e.PostedBy, e.PostedAt, e.ToOrganisationId),
        ConsentRecorded e => new ReporterConsentChanged(
            e.ReportId, e.TrackingNumber, e.ShareIdentityWithVendor, e.PublicCredit, e.CreditName, e.ChangedBy, e.ChangedAt),
        WithdrawalRecorded e => new ReportWithdrawn(e.ReportId, e.TrackingNumber, e.Reason, e.WithdrawnBy, e.WithdrawnAt),
        PersonalDataErased e => new ReporterDataErased(e.ReportId, e.TrackingNumber, e.Reason, e.ErasedBy, e.ErasedAt),
        _ => null,
    };
}
