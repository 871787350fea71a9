using Microsoft.Extensions.Options;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Facts;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Disclosure.Publication;

/// <summary>
/// The last check before an advisory set is given its instant (and before a scheduled or public one is
/// revised): no public text may contain the reporter's e-mail address, nor their name unless they asked
/// for public credit. The reporter's contact is asked of Intake at that moment with Disclosure's own
/// token (scope <c>intake.contact.read</c>) and never kept; when Intake cannot answer, nothing is scheduled.
/// </summary>
public sealed class IdentityGuard(ServiceTokens tokens, IOptions<ServiceClientOptions> options, ILogger<IdentityGuard> logger)
{
    public const string ClientName = "intake";

    /// <summary>Null when the texts may go public; otherwise why not (never quoting the identity found).</summary>
    public async Task<string?> CheckAsync(Guid reportId, CaseFacts? facts, IEnumerable<AdvisoryContent> contents, CancellationToken cancellationToken)
    {
        ReporterContactInfo? reporter; // none when anonymous or erased: nothing to look for
        try
        {
            reporter = await tokens.ReporterContactAsync(ClientName, options.Value.IntakeAddress, reportId, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "The reporter of {ReportId} could not be checked against the advisory texts", reportId);
            return "The reporter's identity could not be checked against the advisory texts just now (Intake did not answer); try again shortly.";
        }
        if (reporter is null) return null;
        var named = facts?.AllowedCredit is not null; // they asked to be credited publicly
        foreach (var content in contents)
        {
            var texts = new[] { content.Title, content.Summary, content.Remediation, content.TitleZh, content.SummaryZh, content.RemediationZh }
                .Concat(content.Statements.Select(s => s.Text)).Concat(content.Products.SelectMany(p => new[] { p.Vendor, p.Product, p.Versions }))
                .OfType<string>().ToList();
            if (texts.Any(t => t.Contains(reporter.Email, StringComparison.OrdinalIgnoreCase)))
            {
                return "An advisory text contains the reporter's e-mail address; remove it before scheduling.";
            }
            if (!named && reporter.Name?.Trim() is { Length: >= 3 } name && texts.Any(t => t.Contains(name, StringComparison.OrdinalIgnoreCase)))
            {
                return "An advisory text contains the reporter's name, and they have not asked for public credit; remove it before scheduling.";
            }
        }
        return null;
    }

}
