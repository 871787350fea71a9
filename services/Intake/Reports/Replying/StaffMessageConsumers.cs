using Marten;
using MassTransit;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Intake.Reports.Replying;

/// <summary>
/// What Triage says to the reporter becomes part of the report's own history, so the status view
/// (and nothing else) shows it. Each message applies once, however often it is delivered.
/// </summary>
public abstract class StaffMessageConsumer<TMessage>(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<TMessage>(sessions, time)
    where TMessage : class
{
    protected abstract (Guid ReportId, string Kind, string Text, Actor By, DateTimeOffset At) Read(TMessage message);

    protected override async Task HandleAsync(ConsumeContext<TMessage> context, IDocumentSession session)
    {
        var (reportId, kind, text, by, at) = Read(context.Message);
        var stream = await session.Events.FetchForWriting<Report>(reportId, context.CancellationToken);
        var report = stream.Aggregate
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} refers to report {reportId}, which Intake does not have.");
        stream.AppendOne(new StaffMessageReceived(reportId, report.TrackingNumber, context.MessageId!.Value, kind, text, by, at));
    }
}

public sealed class ReportAcknowledgedConsumer(ISessionFactory sessions, TimeProvider time)
    : StaffMessageConsumer<ReportAcknowledged>(sessions, time)
{
    protected override (Guid, string, string, Actor, DateTimeOffset) Read(ReportAcknowledged m) =>
        (m.ReportId, StaffMessageKinds.Acknowledgement, m.Message, m.AcknowledgedBy, m.AcknowledgedAt);
}

public sealed class MoreInformationRequestedConsumer(ISessionFactory sessions, TimeProvider time)
    : StaffMessageConsumer<MoreInformationRequested>(sessions, time)
{
    protected override (Guid, string, string, Actor, DateTimeOffset) Read(MoreInformationRequested m) =>
        (m.ReportId, StaffMessageKinds.Question, m.Question, m.RequestedBy, m.RequestedAt);
}

public sealed class ProgressUpdatePostedConsumer(ISessionFactory sessions, TimeProvider time)
    : StaffMessageConsumer<ProgressUpdatePosted>(sessions, time)
{
    protected override (Guid, string, string, Actor, DateTimeOffset) Read(ProgressUpdatePosted m) =>
        (m.ReportId, StaffMessageKinds.ProgressUpdate, m.Update, m.PostedBy, m.PostedAt);
}
