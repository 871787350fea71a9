using VulnPlatform.Contracts;

namespace VulnPlatform.Intake.Reports.Submitting;

/// <summary>A validated submission with everything the decider needs decided outside it (ids, time).</summary>
public sealed record SubmitReport(
    Guid ReportId,
    string TrackingNumber,
    string FollowUpTokenHash,
    SubmitReportRequest Request,
    Actor SubmittedBy,
    DateTimeOffset Now);

public sealed class ReportAlreadySubmitted(Guid reportId)
    : InvalidOperationException($"Report {reportId} was already submitted.");

public static class SubmitReportDecider
{
    /// <summary>A new report: its submission, and the reporter's contact details apart when given.</summary>
    public static object[] Decide(Report? existing, SubmitReport command)
    {
        if (existing is not null)
        {
            throw new ReportAlreadySubmitted(command.ReportId);
        }

        var request = command.Request;
        var reporter = request.Reporter;
        var language = reporter?.Language ?? ReporterLanguages.English;
        var product = request.Product is { } p
            ? new ProductDetails(p.Vendor!.Trim(), p.Name!.Trim(), NullIfBlank(p.Version))
            : null;

        var submitted = new ReportSubmitted(
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
            Anonymous: reporter is null,
            language,
            command.FollowUpTokenHash,
            command.SubmittedBy,
            command.Now);

        return reporter is null
            ? [submitted]
            : [submitted, new ReporterContactGiven(command.ReportId, NullIfBlank(reporter.Name), reporter.Email!, language, command.Now)];
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
