using VulnPlatform.ServiceDefaults.Http;
using Marten;
using MassTransit;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Reports.Replying;

/// <summary>A message from another service whose text breaks the rules every reporter-facing text follows.</summary>
public sealed class UnacceptableStaffText(string message, Guid reportId)
    : Exception($"{message} for report {reportId} carries text with control, invisible or direction-changing characters; it is not shown to the reporter.");

/// <summary>
/// What Triage says to the reporter becomes part of the report's own history, so the status view
/// (and nothing else) shows it. Each message applies once, however often it is delivered. Its text
/// passes the same rules as text typed into Intake: the bus is not trusted more than a browser.
/// </summary>
public abstract class StaffMessageConsumer<TMessage>(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<TMessage>(sessions, time)
    where TMessage : class
{
    public const int MaxText = 20_000;

    protected abstract (Guid ReportId, string Kind, string Text, Actor By, DateTimeOffset At) Read(TMessage message);

    protected override async Task HandleAsync(TMessage message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var (reportId, kind, text, by, at) = Read(message);
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxText || !TextRules.IsClean(text, allowLineBreaks: true))
        {
            throw new UnacceptableStaffText(typeof(TMessage).Name, reportId);
        }

        var stream = await session.Events.FetchForExclusiveWriting<Report>(reportId, cancellationToken);
        var report = stream.Aggregate
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} refers to report {reportId}, which Intake does not have.");
        stream.AppendOne(new StaffMessageReceived(reportId, report.TrackingNumber, delivery.MessageId, kind, text, by, at));
    }
}

public sealed class ReportAcknowledgedConsumer(ISessionFactory sessions, TimeProvider time)
    : StaffMessageConsumer<ReportAcknowledged>(sessions, time)
{
    protected override string ConsumerName => "intake.report-acknowledged";

    protected override (Guid, string, string, Actor, DateTimeOffset) Read(ReportAcknowledged m) =>
        (m.ReportId, StaffMessageKinds.Acknowledgement, m.Message, m.AcknowledgedBy, m.AcknowledgedAt);
}

public sealed class MoreInformationRequestedConsumer(ISessionFactory sessions, TimeProvider time)
    : StaffMessageConsumer<MoreInformationRequested>(sessions, time)
{
    protected override string ConsumerName => "intake.more-information-requested";

    protected override (Guid, string, string, Actor, DateTimeOffset) Read(MoreInformationRequested m) =>
        (m.ReportId, StaffMessageKinds.Question, m.Question, m.RequestedBy, m.RequestedAt);
}

public sealed class ProgressUpdatePostedConsumer(ISessionFactory sessions, TimeProvider time)
    : StaffMessageConsumer<ProgressUpdatePosted>(sessions, time)
{
    protected override string ConsumerName => "intake.progress-update-posted";

    protected override (Guid, string, string, Actor, DateTimeOffset) Read(ProgressUpdatePosted m) =>
        (m.ReportId, StaffMessageKinds.ProgressUpdate, m.Update, m.PostedBy, m.PostedAt);
}

/// <summary>
/// Vendor coordination notified an organisation: the reporter's view shows which one, when and what
/// it was told (the coordinator's summary; nothing of the vendor's own records).
/// </summary>
public sealed class VendorNotifiedConsumer(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<VulnPlatform.Contracts.VendorCoordination.VendorNotified>(sessions, time)
{
    protected override string ConsumerName => "intake.vendor-notified";

    protected override async Task HandleAsync(
        VulnPlatform.Contracts.VendorCoordination.VendorNotified m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var organisation = m.OrganisationName ?? "A vendor";
        if (m.Summary.Length > StaffMessageConsumer<ReportAcknowledged>.MaxText || !TextRules.IsClean(m.Summary, allowLineBreaks: true)
            || organisation.Length > 200 || !TextRules.IsClean(organisation, allowLineBreaks: false))
        {
            throw new UnacceptableStaffText(nameof(m), m.ReportId);
        }
        var stream = await session.Events.FetchForExclusiveWriting<Report>(m.ReportId, cancellationToken);
        var report = stream.Aggregate ?? throw new InvalidOperationException($"VendorNotified refers to report {m.ReportId}, which Intake does not have.");
        stream.AppendOne(new SharedWithVendor(m.ReportId, report.TrackingNumber, delivery.MessageId, organisation, m.Summary, m.NotifiedAt, m.OrganisationId));
    }
}

/// <summary>
/// A vendor's message relayed to the reporter by vendor coordination joins the report's thread, from
/// the organisation (never the person). Messages the other way (the reporter's, relayed to a vendor) are Intake's own.
/// </summary>
public sealed class VendorMessageRelayedConsumer(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<VulnPlatform.Contracts.VendorCoordination.VendorMessageRelayed>(sessions, time)
{
    protected override string ConsumerName => "intake.vendor-message-relayed";

    protected override async Task HandleAsync(
        VulnPlatform.Contracts.VendorCoordination.VendorMessageRelayed m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.Direction != VulnPlatform.Contracts.VendorCoordination.VendorMessageRelayed.ToReporter) return;
        var organisation = m.OrganisationName ?? "A vendor";
        if (string.IsNullOrWhiteSpace(m.Text) || m.Text.Length > StaffMessageConsumer<ReportAcknowledged>.MaxText || !TextRules.IsClean(m.Text, allowLineBreaks: true)
            || organisation.Length > 200 || !TextRules.IsClean(organisation, allowLineBreaks: false))
        {
            throw new UnacceptableStaffText(nameof(m), m.ReportId);
        }
        var stream = await session.Events.FetchForExclusiveWriting<Report>(m.ReportId, cancellationToken);
        var report = stream.Aggregate ?? throw new InvalidOperationException($"VendorMessageRelayed refers to report {m.ReportId}, which Intake does not have.");
        stream.AppendOne(new VendorWrote(m.ReportId, report.TrackingNumber, m.MessageId, m.OrganisationId, organisation, m.Text, m.RelayedAt));
    }
}

/// <summary>The advisories went public: the reporter's view shows them and the report is disclosed.</summary>
public sealed class AdvisoriesPublishedConsumer(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<VulnPlatform.Contracts.Disclosure.AdvisoriesPublished>(sessions, time)
{
    protected override string ConsumerName => "intake.advisories-published";

    protected override async Task HandleAsync(
        VulnPlatform.Contracts.Disclosure.AdvisoriesPublished m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.Advisories.Any(a => a.Title.Length > 300 || !TextRules.IsClean(a.Title, allowLineBreaks: false) || a.Page.Scheme != Uri.UriSchemeHttps)
            || m.Credit is { } credit && (credit.Length > 200 || !TextRules.IsClean(credit, allowLineBreaks: false)))
        {
            throw new UnacceptableStaffText(nameof(m), m.ReportId);
        }
        // The case's report and every report closed as a duplicate of it (their reporters found the same vulnerability).
        foreach (var reportId in new[] { m.ReportId }.Concat((m.DuplicateReports ?? []).Select(d => d.ReportId)).Distinct())
        {
            var stream = await session.Events.FetchForExclusiveWriting<Report>(reportId, cancellationToken);
            var report = stream.Aggregate ?? throw new InvalidOperationException($"AdvisoriesPublished refers to report {reportId}, which Intake does not have.");
            stream.AppendOne(new ReportDisclosed(reportId, report.TrackingNumber, delivery.MessageId,
                [.. m.Advisories.Select(a => new DisclosedAdvisory(a.AdvisoryPublicId, a.Title, a.Page))], reportId == m.ReportId ? m.Credit : null, m.PublishedAt));
        }
    }
}
