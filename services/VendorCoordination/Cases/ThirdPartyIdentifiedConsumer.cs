using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.VendorCoordination.Directory;

namespace VulnPlatform.VendorCoordination.Cases;

/// <summary>
/// Triage says a report concerns a third party's product: the coordination case opens (its id is the
/// report's) on the first such event, each names a product, and the directory suggests who makes it.
/// </summary>
public sealed class ThirdPartyIdentifiedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ThirdPartyIdentified>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.third-party-identified";

    protected override async Task HandleAsync(ThirdPartyIdentified m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var suggested = (await Suggestions.ForAsync(session, m.Vendor, m.Product, cancellationToken)).Select(s => s.OrganisationId).ToList();
        var named = new ThirdPartyProductNamed(m.ReportId, m.Vendor, m.Product, suggested, m.IdentifiedAt);
        if (await session.Events.FetchStreamStateAsync(m.ReportId, cancellationToken) is null)
        {
            session.Events.StartStream<CoordinationCase>(m.ReportId, new CoordinationOpened(m.ReportId, m.ReportId, m.TrackingNumber, Actor.System, m.IdentifiedAt), named);
        }
        else
        {
            session.Events.Append(m.ReportId, named);
        }
    }
}

/// <summary>Triage scored the vulnerability: its CVSS and CWE are kept for the vendors' views (whether or not a case exists yet).</summary>
public sealed class CaseAssessedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<CaseAssessed>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.case-assessed";

    protected override async Task HandleAsync(CaseAssessed m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var scores = await session.LoadAsync<ReportScores>(m.ReportId, cancellationToken) ?? new ReportScores { Id = m.ReportId };
        scores.CvssVector = m.CvssVector ?? scores.CvssVector;
        scores.BaseScore = m.BaseScore ?? scores.BaseScore;
        scores.Severity = m.Severity ?? scores.Severity;
        scores.Cwe = m.Cwe ?? scores.Cwe;
        session.Store(scores);
    }
}

/// <summary>A vulnerability report's tracking number, so that a coordinator can open coordination for it by number.</summary>
public sealed class ReportReference
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
}

public sealed class ReportSubmittedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReportSubmitted>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.report-submitted";

    protected override Task HandleAsync(ReportSubmitted m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.Kind == ReportKinds.Vulnerability) session.Store(new ReportReference { Id = m.ReportId, TrackingNumber = m.TrackingNumber });
        return Task.CompletedTask;
    }
}
