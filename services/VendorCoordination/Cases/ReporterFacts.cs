using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.VendorCoordination.Cases;

/// <summary>What Intake said a report's file is (never its content, which stays encrypted in Intake).</summary>
public sealed record ReportFile(Guid AttachmentId, string FileName, long Size, string Sha256, string ContentType, DateTimeOffset AddedAt);

/// <summary>A report's files, for the coordinator to choose what a vendor may receive.</summary>
public sealed class ReportFiles
{
    public Guid Id { get; set; }
    public List<ReportFile> Files { get; set; } = [];
}

/// <summary>
/// The reporter's consent as Intake last published it: whether their identity may reach vendors, and
/// the name they chose for public credit. Nothing else of the reporter is kept here; their name and
/// address are asked of Intake at the moment a vendor view is built, and only when consent allows.
/// </summary>
public sealed class ReporterConsent
{
    public Guid Id { get; set; }
    public bool ShareIdentityWithVendor { get; set; }
    public string? CreditName { get; set; }
    public bool Erased { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

public sealed class AttachmentAddedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<AttachmentAdded>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.attachment-added";

    protected override async Task HandleAsync(AttachmentAdded m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var files = await session.LoadAsync<ReportFiles>(m.ReportId, cancellationToken) ?? new ReportFiles { Id = m.ReportId };
        if (files.Files.Any(f => f.AttachmentId == m.AttachmentId)) return;
        files.Files.Add(new ReportFile(m.AttachmentId, m.FileName, m.Size, m.Sha256, m.SniffedContentType, m.AddedAt));
        session.Store(files);
    }
}

public sealed class ReporterConsentChangedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReporterConsentChanged>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.reporter-consent-changed";

    protected override async Task HandleAsync(ReporterConsentChanged m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var consent = await session.LoadAsync<ReporterConsent>(m.ReportId, cancellationToken) ?? new ReporterConsent { Id = m.ReportId };
        if (consent.Erased || consent.ChangedAt > m.ChangedAt) return; // an older change arriving late does not undo a newer one
        consent.ShareIdentityWithVendor = m.ShareIdentityWithVendor;
        consent.CreditName = m.PublicCredit ? m.CreditName : null;
        consent.ChangedAt = m.ChangedAt;
        session.Store(consent);
    }
}

/// <summary>The reporter's data was erased: nothing of them reaches a vendor any more, whatever they had allowed.</summary>
public sealed class ReporterDataErasedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReporterDataErased>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.reporter-data-erased";

    protected override Task HandleAsync(ReporterDataErased m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        session.Store(new ReporterConsent { Id = m.ReportId, Erased = true, ChangedAt = m.ErasedAt });
        return Task.CompletedTask;
    }
}

/// <summary>
/// The reporter writes to a vendor (Intake checked the organisation was told of the report and that
/// the text does not name the reporter without consent): the message joins the relay as from "the reporter".
/// </summary>
public sealed class ReporterMessageConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReporterMessagePosted>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.reporter-message-posted";

    protected override async Task HandleAsync(ReporterMessagePosted m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.ToVendorOrganisationId is not { } organisation) return; // to the security team: Triage's
        var stream = await session.Events.FetchForExclusiveWriting<CoordinationCase>(m.ReportId, cancellationToken);
        if (stream.Aggregate is not { } c)
        {
            throw new InvalidOperationException($"The reporter of {m.TrackingNumber} wrote to a vendor, but there is no coordination case for it.");
        }
        var decision = CoordinationDecider.Decide(c, new RelayMessage(organisation, m.MessageId, Contracts.VendorCoordination.VendorMessageRelayed.ToVendor, m.Text),
            new Actor(ActorKinds.Reporter, null), m.PostedAt);
        if (decision.Refusal is { } refusal) throw new InvalidOperationException($"The reporter's message to a vendor of {m.TrackingNumber} was refused: {refusal.Detail}");
        stream.AppendMany(decision.Events);
    }
}

/// <summary>The reporter as a vendor may know them: only with their consent, and only what they allowed.</summary>
public sealed record ReporterIdentity(string? Name, string? Email, string? CreditName);

/// <summary>
/// Asks Intake (with VendorCoordination's own client-credentials token, scope <c>intake.contact.read</c>)
/// for the reporter's name and address at the moment a vendor is shown the case — only when the
/// reporter's consent allows it then. Refusals and failures give no identity: the vendor sees "the reporter".
/// </summary>
public sealed class ReporterIdentities(ServiceTokens tokens, IOptions<ServiceClientOptions> options, ILogger<ReporterIdentities> logger)
{
    public const string ClientName = "intake";
    public const string AttachmentScope = "intake.attachments.read";

    public async Task<ReporterIdentity?> ForVendorAsync(IQuerySession session, Guid reportId, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<ReporterConsent>(reportId, cancellationToken) is not { ShareIdentityWithVendor: true, Erased: false } consent) return null;
        try
        {
            if (await tokens.ReporterContactAsync(ClientName, options.Value.IntakeAddress, reportId, cancellationToken) is { } contact)
            {
                return new ReporterIdentity(contact.Name, contact.Email, consent.CreditName);
            }
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "Intake could not be asked for the contact of report {ReportId}; the vendor sees no identity", reportId);
        }
        return consent.CreditName is null ? null : new ReporterIdentity(null, null, consent.CreditName);
    }

    /// <summary>
    /// Whether a text the coordinator sends a vendor names the reporter (their name, address or credit name,
    /// however disguised) when the reporter has not agreed to be named to vendors: which, or null. Throws
    /// when Intake cannot be asked — nothing goes out unchecked.
    /// </summary>
    public async Task<string?> NamedInAsync(IQuerySession session, Guid reportId, string text, CancellationToken cancellationToken)
    {
        var consent = await session.LoadAsync<ReporterConsent>(reportId, cancellationToken);
        if (consent is { ShareIdentityWithVendor: true, Erased: false }) return null;
        var contact = consent?.Erased == true ? null : await tokens.ReporterContactAsync(ClientName, options.Value.IntakeAddress, reportId, cancellationToken);
        return IdentityMatcher.Finds(text, contact?.Email, contact?.Name, consent?.CreditName);
    }

    /// <summary>A shared file's bytes from Intake, fetched for <paramref name="vendorAccount"/> (Intake records the access).</summary>
    public async Task<HttpResponseMessage> AttachmentAsync(Guid reportId, Guid attachmentId, string? vendorAccount, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.IntakeAddress, $"internal/reports/{reportId}/attachments/{attachmentId}"));
        request.Headers.Add("X-Accessed-For", vendorAccount ?? "vendor");
        return await tokens.SendAsync(ClientName, request, AttachmentScope, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
    }

}
