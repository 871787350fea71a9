using JasperFx.Events;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.VendorCoordination.Cases;
using VulnPlatform.VendorCoordination.Directory;

namespace VulnPlatform.VendorCoordination;

/// <summary>What vendor coordination tells the platform (no personal data; the disclosure reads vendors' statuses and statements from it).</summary>
public sealed class CoordinationIntegrationEvents : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes =>
    [
        typeof(CoordinationCaseOpened), typeof(VendorStatusChanged), typeof(VendorStatementPosted), typeof(VendorNotified), typeof(VendorAcknowledged),
        typeof(VendorReminded), typeof(VendorUnresponsive), typeof(Contracts.VendorCoordination.DisclosureDateProposed),
        typeof(Contracts.VendorCoordination.DisclosureDateAgreed), typeof(Contracts.VendorCoordination.DisclosureDateReached), typeof(VendorMessageRelayed), typeof(VendorRemovedFromCase),
        typeof(VendorOrganisationRegistered),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        OrganisationRegistered e => new VendorOrganisationRegistered(e.OrganisationId, e.Details.Name, e.At),
        CoordinationOpened e => new CoordinationCaseOpened(e.CaseId, e.ReportId, e.TrackingNumber, e.At),
        VendorRemoved e => new VendorRemovedFromCase(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.WasNotified, e.Reason, e.By, e.At),
        VendorStatusSet e => new VendorStatusChanged(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.Status, e.Justification, e.FixedVersion, e.By, e.At),
        VendorStatementMade e => new VendorStatementPosted(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.Text, e.By, e.At),
        VendorNotificationSent e => new VendorNotified(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.Summary, e.By, e.At, e.OrganisationName),
        VendorAcknowledgedCase e => new VendorAcknowledged(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.By, e.At),
        VendorRemindedOfNotice e => new VendorReminded(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.DueAt, e.At),
        VendorEscalated e => new VendorUnresponsive(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.NotifiedAt, e.At),
        Cases.DisclosureDateProposed e => new Contracts.VendorCoordination.DisclosureDateProposed(e.CaseId, e.CaseId, e.TrackingNumber, e.DisclosureAt, e.ExploitedInTheWild, e.At),
        Cases.DisclosureDateAgreed e => new Contracts.VendorCoordination.DisclosureDateAgreed(e.CaseId, e.CaseId, e.TrackingNumber, e.DisclosureAt, e.By, e.At),
        Cases.DisclosureDateReached e => new Contracts.VendorCoordination.DisclosureDateReached(e.CaseId, e.CaseId, e.TrackingNumber, e.DisclosureAt, e.At),
        RelayMessageReceived { Held: false } e => new VendorMessageRelayed(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.OrganisationName,
            e.MessageId, e.Direction, e.Text, e.At),
        RelayMessageReleased e => new VendorMessageRelayed(e.CaseId, e.CaseId, e.TrackingNumber, e.OrganisationId, e.OrganisationName,
            e.MessageId, e.Direction, e.Text, e.At),
        _ => null,
    };
}
