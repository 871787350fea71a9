using Marten;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Triage.Cases;

/// <summary>
/// A vulnerability report opens its case (its stream id is the report's id); fraud and general questions open none.
/// One message per report, so their order means nothing: several are taken at once.
/// </summary>
public sealed class ReportSubmittedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReportSubmitted>(sessions, time), IIndependentMessages
{
    protected override string ConsumerName => "triage.report-submitted";

    protected override async Task HandleAsync(ReportSubmitted m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.Kind != ReportKinds.Vulnerability) return;
        if (await session.Events.FetchStreamStateAsync(m.ReportId, cancellationToken) is not null) return; // opened already
        session.Events.StartStream<TriageCase>(m.ReportId, new CaseStarted(
            m.ReportId, m.ReportId, m.TrackingNumber, m.Title, m.Product?.Vendor, m.Product?.Name, m.Cwe, m.SubmittedAt, m.SubmittedAt,
            m.Description, m.Product?.Version, m.StepsToReproduce, m.Impact, m.SuggestedCvssVector));
    }
}

/// <summary>A withdrawn report closes its case.</summary>
public sealed class ReportWithdrawnConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReportWithdrawn>(sessions, time)
{
    protected override string ConsumerName => "triage.report-withdrawn";

    protected override Task HandleAsync(ReportWithdrawn m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken) =>
        CaseUpdates.ApplyAsync(session, m.ReportId, new CloseAfterWithdrawal(), m.WithdrawnBy, m.WithdrawnAt, cancellationToken);
}

/// <summary>The reporter wrote: recorded in the thread; an answer to a question puts the case back in work.</summary>
public sealed class ReporterMessagePostedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<ReporterMessagePosted>(sessions, time)
{
    protected override string ConsumerName => "triage.reporter-message-posted";

    protected override Task HandleAsync(ReporterMessagePosted m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken) =>
        CaseUpdates.ApplyAsync(session, m.ReportId, new RecordReply(m.MessageId, m.Text, ToVendor: m.ToVendorOrganisationId is not null), m.PostedBy, m.PostedAt, cancellationToken);
}

/// <summary>A file the reporter added: listed on the case, to be downloaded from Intake's staff endpoint.</summary>
public sealed class AttachmentAddedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<AttachmentAdded>(sessions, time)
{
    protected override string ConsumerName => "triage.attachment-added";

    protected override async Task HandleAsync(AttachmentAdded m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        // The file is kept whether or not the case is open yet: a file uploaded right after the report
        // can arrive before the report itself (another queue), and the case shows it all the same.
        session.Store(new CaseFile { Id = m.AttachmentId, ReportId = m.ReportId, FileName = m.FileName, Size = m.Size, Sha256 = m.Sha256, AddedAt = m.AddedAt });
        var stream = await session.Events.FetchForExclusiveWriting<TriageCase>(m.ReportId, cancellationToken);
        if (stream.Aggregate is null) return; // not opened yet, or not a vulnerability report
        stream.AppendOne(new AttachmentNoted(m.ReportId, m.AttachmentId, m.FileName, m.Size, m.Sha256, m.AddedAt));
    }
}

public static class CaseUpdates
{
    /// <summary>Decides and appends what an event from the bus means for a case; a report without a case (not a vulnerability) is left alone.</summary>
    public static async Task ApplyAsync(IDocumentSession session, Guid caseId, CaseCommand command, Actor by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForExclusiveWriting<TriageCase>(caseId, cancellationToken);
        if (stream.Aggregate is not { } c) return;
        var decision = TriageDecider.Decide(c, command, by, at);
        if (decision.Refusal is { } refusal) throw new InvalidOperationException($"{command.Name} refused for case {c.TrackingNumber}: {refusal.Detail}");
        stream.AppendMany(decision.Events);
    }
}
