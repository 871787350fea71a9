using Marten;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Disclosure.Facts;

public sealed record ProductFact(string Vendor, string Name, string? Version);

public sealed record StatementFact(string Text, DateTimeOffset At);

/// <summary>One vendor's part as VendorCoordination published it: what the affected / fixed lists need.</summary>
public sealed class VendorFact
{
    public Guid OrganisationId { get; set; }
    public string Name { get; set; } = "";
    public string Status { get; set; } = "unknown";
    public bool Acknowledged { get; set; }
    public string? Justification { get; set; }
    public string? FixedVersion { get; set; }
    public List<StatementFact> Statements { get; set; } = [];
}

/// <summary>
/// What the platform knows of a case that an advisory is drafted from, gathered from the bus: the
/// report (Intake), the assessment and fix (Triage), every vendor's status and statements
/// (VendorCoordination) and the reporter's public-credit consent — the credit name only while they
/// want credit. Nothing else of the reporter is here.
/// </summary>
public sealed class CaseFacts
{
    public Guid Id { get; set; }
    public string TrackingNumber { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public ProductFact? Product { get; set; }
    public string? Impact { get; set; }
    public string? CvssVector { get; set; }
    public decimal? BaseScore { get; set; }
    public string? Severity { get; set; }
    public string? Cwe { get; set; }
    public string? Remediation { get; set; }
    public string? FixedVersion { get; set; }
    public bool Validated { get; set; }
    public bool PublicCredit { get; set; }
    public string? CreditName { get; set; }
    public bool Erased { get; set; }
    public DateTimeOffset? ConsentChangedAt { get; set; }
    public List<VendorFact> Vendors { get; set; } = [];
    /// <summary>The third-party products Triage named (vendor and product names as written).</summary>
    public List<ProductFact> ThirdPartyProducts { get; set; } = [];
    public DateTimeOffset? AgreedDisclosureAt { get; set; }
    /// <summary>The tracking number of the report this one duplicates (Triage closed it as a duplicate): its reporter is told at disclosure too.</summary>
    public string? DuplicateOf { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The credit the reporter allows now (none after erasure or without public-credit consent).</summary>
    public string? AllowedCredit => PublicCredit && !Erased ? CreditName : null;

    public VendorFact Vendor(Guid organisationId, string? name = null)
    {
        var vendor = Vendors.FirstOrDefault(v => v.OrganisationId == organisationId);
        if (vendor is null)
        {
            vendor = new VendorFact { OrganisationId = organisationId, Name = name ?? "" };
            Vendors.Add(vendor);
        }
        if (!string.IsNullOrEmpty(name)) vendor.Name = name;
        return vendor;
    }

    /// <summary>Applies an integration event (false when it says nothing an advisory needs).</summary>
    public static bool Apply(CaseFacts facts, object message)
    {
        switch (message)
        {
            case ReportSubmitted m:
                facts.TrackingNumber = m.TrackingNumber;
                facts.Title = m.Title;
                facts.Description = m.Description;
                facts.Impact = m.Impact;
                facts.Cwe ??= m.Cwe;
                facts.Product = m.Product is { } p ? new ProductFact(p.Vendor, p.Name, p.Version) : null;
                return true;
            case CaseAssessed m:
                facts.CvssVector = m.CvssVector ?? facts.CvssVector;
                facts.BaseScore = m.BaseScore ?? facts.BaseScore;
                facts.Severity = m.Severity ?? facts.Severity;
                facts.Cwe = m.Cwe ?? facts.Cwe;
                return true;
            case ThirdPartyIdentified m:
                if (!facts.ThirdPartyProducts.Any(p => p.Vendor == m.Vendor && p.Name == m.Product)) facts.ThirdPartyProducts.Add(new ProductFact(m.Vendor, m.Product, null));
                return true;
            case CaseValidated m:
                facts.TrackingNumber = m.TrackingNumber;
                facts.Validated = true;
                return true;
            case RemediationPlanned m:
                facts.Remediation = m.Plan;
                return true;
            case CaseRejected { Reason: "duplicate", DuplicateOf: { Length: > 0 } original } m:
                facts.TrackingNumber = m.TrackingNumber;
                facts.DuplicateOf = original;
                return true;
            case CaseFixed m:
                facts.FixedVersion = m.FixedVersion;
                return true;
            case ReporterConsentChanged m:
                // An older change arriving after a newer one (a retry, another instance) does not bring back a withdrawn credit.
                if (facts.ConsentChangedAt > m.ChangedAt) return false;
                facts.PublicCredit = m.PublicCredit;
                facts.CreditName = m.PublicCredit ? m.CreditName : null;
                facts.ConsentChangedAt = m.ChangedAt;
                return true;
            case ReporterDataErased:
                facts.Erased = true;
                facts.CreditName = null;
                return true;
            case VendorNotified m:
                facts.Vendor(m.OrganisationId, m.OrganisationName);
                return true;
            case VendorRemovedFromCase m:
                return facts.Vendors.RemoveAll(v => v.OrganisationId == m.OrganisationId) > 0;
            case VendorAcknowledged m:
                facts.Vendor(m.OrganisationId).Acknowledged = true;
                return true;
            case VendorStatusChanged m:
                var vendor = facts.Vendor(m.OrganisationId);
                vendor.Status = m.Status;
                vendor.Justification = m.Justification;
                vendor.FixedVersion = m.FixedVersion;
                return true;
            case VendorStatementPosted m:
                facts.Vendor(m.OrganisationId).Statements.Add(new StatementFact(m.Statement, m.PostedAt));
                return true;
            case Contracts.VendorCoordination.DisclosureDateAgreed m:
                facts.AgreedDisclosureAt = m.DisclosureAt;
                return true;
            default:
                return false;
        }
    }

    public static readonly Type[] Sources =
    [
        typeof(ReportSubmitted), typeof(CaseAssessed), typeof(ThirdPartyIdentified), typeof(CaseValidated), typeof(RemediationPlanned), typeof(CaseFixed), typeof(CaseRejected),
        typeof(ReporterConsentChanged), typeof(ReporterDataErased), typeof(VendorNotified), typeof(VendorAcknowledged), typeof(VendorRemovedFromCase), typeof(VendorStatusChanged),
        typeof(VendorStatementPosted), typeof(Contracts.VendorCoordination.DisclosureDateAgreed),
    ];
}

/// <summary>One consumer per source event type (each its own queue), keeping the case's facts; the optimistic version check makes concurrent updates retry.</summary>
public sealed class CaseFactsConsumer<TMessage>(ISessionFactory sessions, TimeProvider time, Publication.PublicRecords records)
    : IdempotentConsumer<TMessage>(sessions, time)
    where TMessage : class
{
    private readonly TimeProvider _time = time;

    protected override string ConsumerName => $"disclosure.{typeof(TMessage).Name}";

    protected override async Task HandleAsync(TMessage message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (message.GetType().GetProperty("ReportId")?.GetValue(message) is not Guid reportId) return;
        if (message is ReportSubmitted { Kind: not Contracts.ReportKinds.Vulnerability } or CaseRejected { Reason: not "duplicate" }) return;
        var facts = await session.LoadAsync<CaseFacts>(reportId, cancellationToken) ?? new CaseFacts { Id = reportId };
        // The facts of a report that is only a duplicate have no title: it is drafted from, never published on its own.
        if (!CaseFacts.Apply(facts, message)) return;
        facts.UpdatedAt = _time.GetUtcNow();
        session.Store(facts);
        if (message is VendorStatusChanged or VendorStatementPosted)
        {
            await FollowVendorAsync(session, facts, (Guid)message.GetType().GetProperty("OrganisationId")!.GetValue(message)!, cancellationToken);
        }
        if (message is ReporterConsentChanged or ReporterDataErased)
        {
            // The published credit follows the reporter's consent as it stands (withdrawn consent removes it).
            var set = await records.RefreshLockedAsync(session, reportId, facts.UpdatedAt, cancellationToken, facts);
            // What the reporter allows changed after the watch's last identity check: it checks the texts again before anything goes out.
            if (set?.Aggregate is { Published: false, CheckedFor: not null }) set.AppendOne(new Publication.PublicationRecheckDue(reportId, facts.UpdatedAt));
        }
    }

    /// <summary>
    /// Until the set is public, its advisories follow the vendor: each that names the vendor's products is
    /// revised (by the platform, with what changed as the summary) and the public records rebuilt under the set's
    /// lock; a scheduled set's texts are checked for the reporter's identity again before they go out.
    /// After the instant a vendor's change is for a coordinator's public revision, never silent.
    /// </summary>
    private async Task FollowVendorAsync(IDocumentSession session, CaseFacts facts, Guid organisationId, CancellationToken cancellationToken)
    {
        if (facts.Vendors.FirstOrDefault(v => v.OrganisationId == organisationId) is not { } vendor) return;
        var set = await session.Events.FetchForExclusiveWriting<Publication.DisclosureSet>(facts.Id, cancellationToken);
        if (set.Aggregate is { } current && (current.Published || current.IsPublicAt(facts.UpdatedAt))) return;
        var advisories = await session.Query<Advisories.Advisory>().Where(a => a.SetId == facts.Id).ToListAsync(cancellationToken);
        var revised = false;
        foreach (var advisory in advisories.Where(a => a.OrganisationId is null || a.OrganisationId == organisationId))
        {
            if (Advisories.Drafts.FollowVendor(advisory.Content, vendor) is not { } followed) continue;
            var stream = await session.Events.FetchForWriting<Advisories.Advisory>(advisory.Id, cancellationToken);
            stream.AppendOne(new Advisories.AdvisoryRevised(advisory.Id, followed.Content, followed.Summary, Contracts.Actor.System, facts.UpdatedAt,
                advisory.PublicId, advisory.SetId));
            advisory.Content = followed.Content; // what the records are rebuilt from (the projection catches up on commit)
            revised = true;
        }
        if (!revised || set.Aggregate is null) return;
        await records.RefreshAsync(session, facts.Id, facts.UpdatedAt, cancellationToken, set.Aggregate, advisories, facts);
        if (set.Aggregate is { CheckedFor: not null }) set.AppendOne(new Publication.PublicationRecheckDue(facts.Id, facts.UpdatedAt));
    }
}
