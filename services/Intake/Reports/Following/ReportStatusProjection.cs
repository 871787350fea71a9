using Marten.Events.Aggregation;

namespace VulnPlatform.Intake.Reports.Following;

public sealed class ReportStatusProjection : SingleStreamProjection<ReportStatusView, Guid>
{
    public static ReportStatusView Create(ReportFiled submitted) => new()
    {
        Id = submitted.ReportId,
        TrackingNumber = submitted.TrackingNumber,
        Kind = submitted.Kind,
        Title = submitted.Title,
        Status = ReportStatuses.Received,
        ReceivedAt = submitted.SubmittedAt,
        UpdatedAt = submitted.SubmittedAt,
        FollowUpTokenHash = submitted.FollowUpTokenHash,
        ReporterAccountId = Guid.TryParse(submitted.SubmittedBy.Id, out var account) ? account : null,
        Timeline =
        [
            new TimelineEntry(submitted.SubmittedAt, "received",
                $"Report received and given tracking number {submitted.TrackingNumber}."),
        ],
    };

    public static void Apply(ReporterContactGiven given, ReportStatusView view) => view.Contact = given.Contact;

    public static void Apply(ReportRoutedToDesk routed, ReportStatusView view)
    {
        view.Status = ReportStatuses.AfterRouting;
        view.Desk = routed.Desk;
        Record(view, routed.RoutedAt, "routed", $"Forwarded to the {routed.Desk} desk: this is not a vulnerability report.");
    }

    public static void Apply(AttachmentStored added, ReportStatusView view)
    {
        view.Attachments.Add(AttachmentView.From(added));
        Record(view, added.AddedAt, "attachment-added", $"Attachment {added.FileName} added ({added.Size} bytes).");
    }

    public static void Apply(SharedWithVendor shared, ReportStatusView view)
    {
        view.SharedWithVendors.Add(new VendorShareView(shared.Organisation, shared.Summary, shared.At, shared.OrganisationId));
        Record(view, shared.At, "vendor-notified", $"{shared.Organisation} was notified of this vulnerability; see what they were told.");
    }

    public static void Apply(StaffMessageReceived received, ReportStatusView view)
    {
        view.Messages.Add(new MessageView(received.MessageId, "staff", received.Text, [], received.SentAt));
        view.Status = ReportStatuses.AfterStaffMessage(received.Kind, view.Status);
        var (what, description) = received.Kind switch
        {
            StaffMessageKinds.Acknowledgement => ("acknowledged", "The security team acknowledged your report."),
            StaffMessageKinds.Question => ("more-information-requested", "The security team asked you for more information."),
            _ => ("progress-update", "The security team sent a progress update."),
        };
        Record(view, received.SentAt, what, description);
    }

    public static void Apply(ReporterWrote posted, ReportStatusView view)
    {
        if (posted.ToOrganisationId is { } organisation)
        {
            var name = view.SharedWithVendors.LastOrDefault(v => v.OrganisationId == organisation)?.Organisation;
            view.Messages.Add(new MessageView(posted.MessageId, "reporter", posted.Text, posted.AttachmentIds, posted.PostedAt, name, organisation));
            Record(view, posted.PostedAt, "message-to-vendor", $"You sent a message to {name ?? "a vendor"} through the coordinator.");
            return;
        }
        view.Status = ReportStatuses.AfterReporterMessage(view.Status);
        view.Messages.Add(new MessageView(posted.MessageId, "reporter", posted.Text, posted.AttachmentIds, posted.PostedAt));
        Record(view, posted.PostedAt, "message-posted", "You sent a message.");
    }

    public static void Apply(VendorWrote wrote, ReportStatusView view)
    {
        view.Messages.Add(new MessageView(wrote.MessageId, "vendor", wrote.Text, [], wrote.At, wrote.Organisation, wrote.OrganisationId));
        Record(view, wrote.At, "vendor-message", $"{wrote.Organisation} sent you a message through the coordinator.");
    }

    public static void Apply(ConsentRecorded changed, ReportStatusView view)
    {
        view.Consent = new ConsentView(changed.ShareIdentityWithVendor, changed.PublicCredit, changed.CreditName, changed.ChangedAt);
        Record(view, changed.ChangedAt, "consent-changed",
            $"Consent changed: identity {(changed.ShareIdentityWithVendor ? "may" : "may not")} be shared with the vendor; " +
            (changed.PublicCredit ? "public credit under the name you chose." : "no public credit."));
    }

    public static void Apply(ReportDisclosed disclosed, ReportStatusView view)
    {
        view.Status = ReportStatuses.AfterDisclosure(view.Status);
        view.Advisories = [.. disclosed.Advisories];
        Record(view, disclosed.At, "disclosed", "The vulnerability was disclosed publicly: " + string.Join(", ", disclosed.Advisories.Select(a => a.Id))
            + (disclosed.Credit is not null ? ", crediting you under the name you chose." : "."));
    }

    public static void Apply(OutcomeReceived outcome, ReportStatusView view)
    {
        view.Status = ReportStatuses.AfterOutcome(outcome.Outcome, view.Status);
        if (outcome.Text is { Length: > 0 } text) view.Messages.Add(new MessageView(outcome.MessageId, "staff", text, [], outcome.At));
        switch (outcome.Outcome)
        {
            case CaseOutcomes.Validated:
                view.Result = new ResultView(outcome.Outcome, null, outcome.Text, null, outcome.At);
                Record(view, outcome.At, "validated", "The security team confirmed the vulnerability.");
                break;
            case CaseOutcomes.NotAVulnerability:
                view.Result = new ResultView(outcome.Outcome, outcome.Reason, outcome.Text, outcome.DuplicateOf, outcome.At);
                Record(view, outcome.At, "not-a-vulnerability", "The security team concluded this is not a vulnerability to fix.");
                break;
            case CaseOutcomes.RemediationPlanned:
                view.Plan = new PlanView(outcome.Text ?? "", outcome.TargetFixDate, outcome.ProposedDisclosureDate, outcome.At);
                Record(view, outcome.At, "remediation-planned",
                    $"The security team planned the fix (target {outcome.TargetFixDate:yyyy-MM-dd}) and proposed disclosure on {outcome.ProposedDisclosureDate:yyyy-MM-dd}.");
                break;
            case CaseOutcomes.Fixed:
                view.Fix = new FixView(outcome.FixedVersion ?? "", outcome.At);
                Record(view, outcome.At, "fixed", $"The vulnerability is fixed in {outcome.FixedVersion}.");
                break;
            case CaseOutcomes.Closed:
                view.Closed = new ClosedView(outcome.Reason ?? "", outcome.At);
                Record(view, outcome.At, "closed", "The case was closed.");
                break;
        }
    }

    public static void Apply(DisclosureDateSet set, ReportStatusView view)
    {
        if (view.PublicationChangedAt > set.At) return; // an older change delivered late
        view.PublicationChangedAt = set.At;
        var moved = view.Publication is not null;
        view.Publication = set.PublishAt is { } at ? new PublicationView(at, set.TimeZone ?? "UTC", set.LocalTime ?? "", set.At) : null;
        Record(view, set.At, set.PublishAt is null ? "disclosure-cancelled" : moved ? "disclosure-moved" : "disclosure-scheduled",
            set.PublishAt is { } instant
                ? $"The public advisory is scheduled for {instant.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({set.LocalTime} {set.TimeZone})."
                : "The scheduled publication was called off; a new date will follow.");
    }

    public static void Apply(PersonalDataErased erased, ReportStatusView view)
    {
        view.Contact = null;
        view.ErasedAt = erased.ErasedAt;
        view.Consent = view.Consent with { CreditName = null };
        Record(view, erased.ErasedAt, "personal-data-erased", erased.Reason == ErasureReasons.Retention
            ? "Your personal data and attachments were erased at the end of the retention period."
            : "Your personal data and attachments were erased at your request.");
    }

    public static void Apply(WithdrawalRecorded withdrawn, ReportStatusView view)
    {
        view.Status = ReportStatuses.AfterWithdrawal;
        view.Withdrawal = new WithdrawalView(withdrawn.Reason, withdrawn.WithdrawnAt);
        Record(view, withdrawn.WithdrawnAt, "withdrawn", "You withdrew the report.");
    }

    private static void Record(ReportStatusView view, DateTimeOffset at, string what, string description)
    {
        view.Timeline.Add(new TimelineEntry(at, what, description));
        view.UpdatedAt = at;
    }
}
