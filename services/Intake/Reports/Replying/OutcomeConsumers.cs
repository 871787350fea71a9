using Marten;
using VulnPlatform.Contracts.Disclosure;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Reports.Replying;

/// <summary>
/// Triage's result, plan, fix and close join the report's own history, so the reporter's status view shows
/// the outcome the policy promises them (with the reason, the plan and its dates). Texts pass the rules
/// every reporter-facing text follows.
/// </summary>
public abstract class OutcomeConsumer<TMessage>(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<TMessage>(sessions, time)
    where TMessage : class
{
    protected abstract OutcomeReceived Read(TMessage message, Guid messageId);

    protected override async Task HandleAsync(TMessage message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var outcome = Read(message, delivery.MessageId);
        foreach (var text in new[] { outcome.Text, outcome.Reason, outcome.DuplicateOf, outcome.FixedVersion })
        {
            if (text is not null && (text.Length > StaffMessageConsumer<ReportAcknowledged>.MaxText || !TextRules.IsClean(text, allowLineBreaks: true)))
            {
                throw new UnacceptableStaffText(typeof(TMessage).Name, outcome.ReportId);
            }
        }
        await ReportStream.AppendAsync<TMessage>(session, outcome.ReportId, report => outcome with { TrackingNumber = report.TrackingNumber }, cancellationToken);
    }
}

public sealed class CaseValidatedConsumer(ISessionFactory sessions, TimeProvider time) : OutcomeConsumer<CaseValidated>(sessions, time)
{
    protected override string ConsumerName => "intake.case-validated";

    protected override OutcomeReceived Read(CaseValidated m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, CaseOutcomes.Validated, null, m.Explanation, null, null, null, null, m.ValidatedAt);
}

public sealed class CaseRejectedConsumer(ISessionFactory sessions, TimeProvider time) : OutcomeConsumer<CaseRejected>(sessions, time)
{
    protected override string ConsumerName => "intake.case-rejected";

    protected override OutcomeReceived Read(CaseRejected m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, CaseOutcomes.NotAVulnerability, m.Reason, m.Explanation,
            m.DuplicateOf is { Length: > 0 } original ? original : null, null, null, null, m.RejectedAt);
}

public sealed class RemediationPlannedConsumer(ISessionFactory sessions, TimeProvider time) : OutcomeConsumer<RemediationPlanned>(sessions, time)
{
    protected override string ConsumerName => "intake.remediation-planned";

    protected override OutcomeReceived Read(RemediationPlanned m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, CaseOutcomes.RemediationPlanned, null, m.Plan, null, m.TargetFixDate, m.ProposedDisclosureDate, null, m.PlannedAt);
}

public sealed class CaseFixedConsumer(ISessionFactory sessions, TimeProvider time) : OutcomeConsumer<CaseFixed>(sessions, time)
{
    protected override string ConsumerName => "intake.case-fixed";

    protected override OutcomeReceived Read(CaseFixed m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, CaseOutcomes.Fixed, null, null, null, null, null, m.FixedVersion, m.FixedAt);
}

public sealed class CaseClosedConsumer(ISessionFactory sessions, TimeProvider time) : OutcomeConsumer<CaseClosed>(sessions, time)
{
    protected override string ConsumerName => "intake.case-closed";

    protected override OutcomeReceived Read(CaseClosed m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, CaseOutcomes.Closed, m.Reason, null, null, null, null, null, m.ClosedAt);
}

/// <summary>The advisories' publication instant as Disclosure sets, moves or cancels it: the reporter sees when their finding goes public.</summary>
public abstract class DisclosureDateConsumer<TMessage>(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<TMessage>(sessions, time)
    where TMessage : class
{
    protected abstract DisclosureDateSet Read(TMessage message, Guid messageId);

    protected override async Task HandleAsync(TMessage message, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        var set = Read(message, delivery.MessageId);
        if (set.TimeZone is { } zone && (zone.Length > 64 || !TextRules.IsClean(zone, allowLineBreaks: false))
            || set.LocalTime is { } local && (local.Length > 64 || !TextRules.IsClean(local, allowLineBreaks: false)))
        {
            throw new UnacceptableStaffText(typeof(TMessage).Name, set.ReportId);
        }
        await ReportStream.AppendAsync<TMessage>(session, set.ReportId, report => set with { TrackingNumber = report.TrackingNumber }, cancellationToken);
    }
}

public sealed class AdvisoriesScheduledConsumer(ISessionFactory sessions, TimeProvider time) : DisclosureDateConsumer<AdvisoriesScheduled>(sessions, time)
{
    protected override string ConsumerName => "intake.advisories-scheduled";

    protected override DisclosureDateSet Read(AdvisoriesScheduled m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, m.PublishAt, m.TimeZone, m.LocalTime, m.ScheduledAt);
}

public sealed class AdvisoriesRescheduledConsumer(ISessionFactory sessions, TimeProvider time) : DisclosureDateConsumer<AdvisoriesRescheduled>(sessions, time)
{
    protected override string ConsumerName => "intake.advisories-rescheduled";

    protected override DisclosureDateSet Read(AdvisoriesRescheduled m, Guid messageId) =>
        new(m.ReportId, m.TrackingNumber, messageId, m.PublishAt, m.TimeZone, m.LocalTime, m.RescheduledAt);
}

/// <summary>Appends what another service's message means to the report's own stream, under its lock; a report Intake lacks is an error (the bus retries).</summary>
internal static class ReportStream
{
    public static async Task AppendAsync<TMessage>(IDocumentSession session, Guid reportId, Func<Report, object> @event, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForExclusiveWriting<Report>(reportId, cancellationToken);
        var report = stream.Aggregate
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} refers to report {reportId}, which Intake does not have.");
        stream.AppendOne(@event(report));
    }
}
