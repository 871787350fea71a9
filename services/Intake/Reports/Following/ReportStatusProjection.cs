using Marten.Events.Aggregation;

namespace VulnPlatform.Intake.Reports.Following;

public sealed class ReportStatusProjection : SingleStreamProjection<ReportStatusView, Guid>
{
    public static ReportStatusView Create(ReportSubmitted submitted) => new()
    {
        Id = submitted.ReportId,
        TrackingNumber = submitted.TrackingNumber,
        Kind = submitted.Kind,
        Title = submitted.Title,
        Status = ReportStatuses.Received,
        ReceivedAt = submitted.SubmittedAt,
        UpdatedAt = submitted.SubmittedAt,
        FollowUpTokenHash = submitted.FollowUpTokenHash,
        Timeline =
        [
            new TimelineEntry(submitted.SubmittedAt, "received",
                $"Report received and given tracking number {submitted.TrackingNumber}."),
        ],
    };

    public static void Apply(ReporterContactGiven given, ReportStatusView view) => view.Contact = given.Contact;

    public static void Apply(SubmissionRouted routed, ReportStatusView view)
    {
        view.Status = ReportStatuses.Routed;
        view.Desk = routed.Desk;
        Record(view, routed.RoutedAt, "routed", $"Forwarded to the {routed.Desk} desk: this is not a vulnerability report.");
    }

    public static void Apply(AttachmentAdded added, ReportStatusView view)
    {
        view.Attachments.Add(new AttachmentView(added.AttachmentId, added.FileName, added.DisplayName, added.Size,
            added.Sha256, added.DeclaredContentType, added.SniffedContentType, added.AddedAt));
        Record(view, added.AddedAt, "attachment-added", $"Attachment {added.FileName} added ({added.Size} bytes).");
    }

    public static void Apply(StaffMessageReceived received, ReportStatusView view)
    {
        view.Messages.Add(new MessageView(received.MessageId, "staff", received.Text, [], received.SentAt));
        if (view.Status != ReportStatuses.Withdrawn)
        {
            view.Status = ReportStatuses.AfterStaffMessage(received.Kind, view.Status);
        }
        Record(view, received.SentAt, received.Kind switch
        {
            StaffMessageKinds.Acknowledgement => "acknowledged",
            StaffMessageKinds.Question => "more-information-requested",
            _ => "progress-update",
        }, received.Kind switch
        {
            StaffMessageKinds.Acknowledgement => "The security team acknowledged your report.",
            StaffMessageKinds.Question => "The security team asked you for more information.",
            _ => "The security team sent a progress update.",
        });
    }

    public static void Apply(ReporterMessagePosted posted, ReportStatusView view)
    {
        if (view.Status == ReportStatuses.MoreInformationRequested)
        {
            view.Status = ReportStatuses.Acknowledged;
        }
        view.Messages.Add(new MessageView(posted.MessageId, "reporter", posted.Text, posted.AttachmentIds, posted.PostedAt));
        Record(view, posted.PostedAt, "message-posted", "You sent a message.");
    }

    public static void Apply(ReporterConsentChanged changed, ReportStatusView view)
    {
        view.Consent = new ConsentView(changed.ShareIdentityWithVendor, changed.PublicCredit, changed.CreditName, changed.ChangedAt);
        Record(view, changed.ChangedAt, "consent-changed",
            $"Consent changed: identity {(changed.ShareIdentityWithVendor ? "may" : "may not")} be shared with the vendor; " +
            (changed.PublicCredit ? $"public credit as \"{changed.CreditName}\"." : "no public credit."));
    }

    public static void Apply(ReportWithdrawn withdrawn, ReportStatusView view)
    {
        view.Status = ReportStatuses.Withdrawn;
        view.Withdrawal = new WithdrawalView(withdrawn.Reason, withdrawn.WithdrawnAt);
        Record(view, withdrawn.WithdrawnAt, "withdrawn", "You withdrew the report.");
    }

    private static void Record(ReportStatusView view, DateTimeOffset at, string what, string description)
    {
        view.Timeline.Add(new TimelineEntry(at, what, description));
        view.UpdatedAt = at;
    }
}
