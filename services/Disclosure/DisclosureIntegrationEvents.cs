using JasperFx.Events;
using VulnPlatform.Contracts.Disclosure;
using VulnPlatform.ServiceDefaults.Messaging;
using Internal = VulnPlatform.Disclosure;

namespace VulnPlatform.Disclosure;

/// <summary>What Disclosure tells the platform: identifiers, instants and public addresses, never embargoed text.</summary>
public sealed class DisclosureIntegrationEvents : IIntegrationEventMap
{
    public IReadOnlyCollection<Type> ContractTypes =>
        [typeof(AdvisoryDrafted), typeof(AdvisoryRevised), typeof(AdvisoriesScheduled), typeof(AdvisoriesRescheduled), typeof(AdvisoriesPublished),
         typeof(AdvisoryPublicationHeld), typeof(AdvisoryScheduleOverridden), typeof(CustomersPreNotified), typeof(PentestReportRequested), typeof(PentestRequestApproved), typeof(PentestRequestDeclined), typeof(PentestReportDownloaded)];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        Internal.Advisories.AdvisoryDrafted e => new AdvisoryDrafted(e.AdvisoryId, e.PublicId, e.SetId, e.TrackingNumber, e.OrganisationId, e.By, e.At),
        Internal.Advisories.AdvisoryRevised { PublicId: { } publicId, SetId: { } setId } e =>
            new AdvisoryRevised(e.AdvisoryId, publicId, setId, (int)@event.Version, e.IsPublic, e.ChangeSummary, e.By, e.At),
        Internal.Publication.PublicationScheduled e => new AdvisoriesScheduled(e.SetId, e.TrackingNumber, e.Time.Instant, e.Time.TimeZone, e.Time.LocalTime, e.By, e.At),
        Internal.Publication.PublicationRescheduled e =>
            new AdvisoriesRescheduled(e.SetId, e.TrackingNumber ?? "", e.Time.Instant, e.Time.TimeZone, e.Time.LocalTime, e.By, e.At),
        Internal.Publication.PublicationCancelled e => new AdvisoriesRescheduled(e.SetId, e.TrackingNumber ?? "", null, null, null, e.By, e.At),
        Internal.Publication.ScheduleOverridden e => new AdvisoryScheduleOverridden(e.SetId, e.TrackingNumber, e.Time.Instant, e.Time.TimeZone, e.Time.LocalTime,
            [.. e.Concerns.Select(c => c.Code)], e.Reason, e.Vendors, e.By, e.At),
        Internal.Publication.PublicationHeld e => new AdvisoryPublicationHeld(e.SetId, e.TrackingNumber ?? "", e.Instant, e.Reason, e.At),
        Internal.Publication.SetPublished e => new AdvisoriesPublished(e.SetId, e.TrackingNumber ?? "", e.Instant,
            [.. (e.Advisories ?? []).Select(a => new PublishedAdvisory(a.PublicId, a.Title, a.Page, a.CveIds))], e.Credit,
            [.. (e.Duplicates ?? []).Select(d => new DisclosedReport(d.ReportId, d.TrackingNumber))]),
        Internal.Publication.CustomersPreNotified e => new CustomersPreNotified(e.SetId, e.TrackingNumber ?? "", e.Instant, e.TimeZone ?? "UTC", e.Contacts,
            [.. e.Advisories.Select(a => new PublishedAdvisory(a.PublicId, a.Title, a.Page, a.CveIds))], e.At),
        Internal.Pentest.PentestReportRequested e => new PentestReportRequested(e.RequestId, e.Organisation, e.At),
        Internal.Pentest.PentestRequestApproved e => new PentestRequestApproved(e.RequestId, e.ExpiresAt, e.By, e.At),
        Internal.Pentest.PentestRequestDeclined e => new PentestRequestDeclined(e.RequestId, e.Reason, e.By, e.At),
        Internal.Pentest.PentestReportDownloaded e => new PentestReportDownloaded(e.RequestId, e.At),
        _ => null,
    };
}
