using VulnPlatform.Contracts;

namespace VulnPlatform.Intake.Reports.Submitting;

/// <summary>A validated submission with everything decided outside the decider (ids, time, the sealed contact).</summary>
public sealed record SubmitReport(
    Guid ReportId,
    string TrackingNumber,
    string FollowUpTokenHash,
    SubmitReportRequest Request,
    byte[]? Contact,
    Actor SubmittedBy,
    DateTimeOffset Now);

public static class SubmitReportDecider
{
    /// <summary>
    /// A new report: its submission; the sealed contact details apart when given; and, for fraud and
    /// general questions, the desk it goes to instead of triage.
    /// </summary>
    public static object[] Decide(SubmitReport command)
    {
        var request = command.Request;
        var product = request.Product is { } p
            ? new ProductDetails(p.Vendor!.Trim(), p.Name!.Trim(), NullIfBlank(p.Version))
            : null;

        var events = new List<object>
        {
            new ReportFiled(
                command.ReportId,
                command.TrackingNumber,
                request.Kind!,
                request.Title!.Trim(),
                request.Description!,
                product,
                request.ThirdParty ?? false,
                NullIfBlank(request.StepsToReproduce),
                NullIfBlank(request.Impact),
                NullIfBlank(request.Cwe),
                Anonymous: command.Contact is null,
                command.FollowUpTokenHash,
                command.SubmittedBy,
                command.Now,
                NullIfBlank(request.CvssVector)),
        };

        if (command.Contact is { } contact)
        {
            events.Add(new ReporterContactGiven(command.ReportId, contact, command.Now));
        }

        if (request.Kind != ReportKinds.Vulnerability)
        {
            events.Add(new ReportRoutedToDesk(
                command.ReportId, command.TrackingNumber, request.Kind!, NextSteps.DeskFor(request.Kind!), command.Now));
        }

        return [.. events];
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
