using Microsoft.Extensions.Options;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Facts;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Disclosure.Publication;

/// <summary>Why advisory texts may not go public (never quoting the identity found); <see cref="Unavailable"/> when Intake could not be asked.</summary>
public sealed record GuardRefusal(string Code, string Detail)
{
    public const string EmailAddress = "email-address";
    public const string Name = "name";
    public const string Unchecked = "unchecked";

    public bool Unavailable => Code == Unchecked;
}

/// <summary>
/// The last check before an advisory set is given its instant (and before a scheduled or public one is
/// revised): no public text may contain the reporter's e-mail address, nor their name unless they asked
/// for public credit. The reporter's contact is asked of Intake at that moment with Disclosure's own
/// token (scope <c>intake.contact.read</c>) and never kept; when Intake cannot answer, nothing is scheduled.
/// </summary>
public sealed class IdentityGuard(ServiceTokens tokens, IOptions<ServiceClientOptions> options, ILogger<IdentityGuard> logger)
{
    public const string ClientName = "intake";

    /// <summary>
    /// Null when the texts may go public; otherwise why not (never quoting the identity found). Every field
    /// of every advisory that reaches a public output is looked at, with <paramref name="more"/> (a
    /// revision's change summary), through the platform's one identity matcher.
    /// </summary>
    public async Task<GuardRefusal?> CheckAsync(Guid reportId, CaseFacts? facts, IEnumerable<AdvisoryContent> contents, CancellationToken cancellationToken,
        IEnumerable<string?>? more = null)
    {
        ReporterContactInfo? reporter; // none when anonymous or erased: nothing to look for
        try
        {
            reporter = await tokens.ReporterContactAsync(ClientName, options.Value.IntakeAddress, reportId, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "The reporter of {ReportId} could not be checked against the advisory texts", reportId);
            return new GuardRefusal(GuardRefusal.Unchecked,
                "The reporter's identity could not be checked against the advisory texts just now (Intake did not answer); try again shortly.");
        }
        if (reporter is null) return null;
        var named = facts?.AllowedCredit is not null; // they asked to be credited publicly: the name may appear, the address never
        var texts = contents.SelectMany(PublicTexts).Concat(more ?? []).ToList();
        return IdentityMatcher.Finds(texts, reporter.Email, named ? null : reporter.Name) switch
        {
            IdentityMatcher.EmailAddress => new GuardRefusal(GuardRefusal.EmailAddress, "An advisory text contains the reporter's e-mail address; remove it before scheduling."),
            IdentityMatcher.Name => new GuardRefusal(GuardRefusal.Name, "An advisory text contains the reporter's name, and they have not asked for public credit; remove it before scheduling."),
            _ => null,
        };
    }

    /// <summary>Every text of an advisory that a public output (HTML, JSON, Atom, CSAF, OSV, CVE record) carries.</summary>
    public static IEnumerable<string?> PublicTexts(AdvisoryContent content) =>
        new[] { content.Title, content.Summary, content.Remediation, content.TitleZh, content.SummaryZh, content.RemediationZh, content.Cwe, content.CweName,
                content.CvssVector, content.Severity }
            .Concat(content.Statements.SelectMany(s => new[] { s.Vendor, s.Text }))
            .Concat(content.Products.SelectMany(p => new[] { p.Vendor, p.Product, p.Versions, p.FixedVersion, p.Purl, p.Cpe, p.Justification, p.Status }))
            .Concat(content.References)
            .Concat(content.CveIds);
}
