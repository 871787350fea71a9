using VulnPlatform.ServiceDefaults.Http;
using FluentValidation;
using VulnPlatform.Contracts;

namespace VulnPlatform.Intake.Reports.Submitting;

// Every property is nullable so that a missing field is a validation message, not a binding failure.
public sealed record SubmitReportRequest(
    string? Title,
    string? Description,
    string? Kind,
    ProductRequest? Product,
    bool? ThirdParty,
    string? StepsToReproduce,
    string? Impact,
    string? Cwe,
    ReporterRequest? Reporter,
    string? CvssVector = null);

public sealed record ProductRequest(string? Vendor, string? Name, string? Version);

public sealed record ReporterRequest(string? Name, string? Email, string? Language);

public sealed class SubmitReportValidator : AbstractValidator<SubmitReportRequest>
{
    public const int MaxTitle = 200;
    public const int MaxLongText = 20_000;
    public const int MaxImpact = 5_000;

    public SubmitReportValidator()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(MaxTitle).SingleLineText();
        RuleFor(r => r.Description).NotEmpty().MaximumLength(MaxLongText).MultiLineText();
        RuleFor(r => r.Kind).NotEmpty()
            .Must(kind => ReportKinds.All.Contains(kind))
            .WithMessage($"'Kind' must be one of: {string.Join(", ", ReportKinds.All)}.");
        RuleFor(r => r.StepsToReproduce).MaximumLength(MaxLongText).MultiLineText();
        RuleFor(r => r.Impact).MaximumLength(MaxImpact).MultiLineText();
        RuleFor(r => r.Cwe).Matches(@"^CWE-[1-9][0-9]{0,5}$")
            .WithMessage("'Cwe' must look like CWE-79.");
        // The reporter's own scoring, a suggestion for the analyst (who scores the case); its shape only is checked here.
        RuleFor(r => r.CvssVector).MaximumLength(400).Matches(@"^CVSS:(3\.1|4\.0)(/[A-Za-z]{1,3}:[A-Za-z]{1,2})+$")
            .WithMessage("'CvssVector' must be a CVSS v3.1 or v4.0 vector such as CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.");
        RuleFor(r => r.Product!).SetValidator(new ProductValidator()).When(r => r.Product is not null);
        RuleFor(r => r.Reporter!).SetValidator(new ReporterValidator()).When(r => r.Reporter is not null);

        // A vulnerability needs what triage works from; fraud and general questions do not.
        When(r => r.Kind == ReportKinds.Vulnerability, () =>
        {
            RuleFor(r => r.Product).NotNull();
            RuleFor(r => r.ThirdParty).NotNull();
            RuleFor(r => r.StepsToReproduce).NotEmpty();
            RuleFor(r => r.Impact).NotEmpty();
        });
    }

    private sealed class ProductValidator : AbstractValidator<ProductRequest>
    {
        public ProductValidator()
        {
            RuleFor(p => p.Vendor).NotEmpty().MaximumLength(200).SingleLineText();
            RuleFor(p => p.Name).NotEmpty().MaximumLength(200).SingleLineText();
            RuleFor(p => p.Version).MaximumLength(100).SingleLineText();
        }
    }

    private sealed class ReporterValidator : AbstractValidator<ReporterRequest>
    {
        public ReporterValidator()
        {
            RuleFor(r => r.Name).MaximumLength(200).SingleLineText();
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254).Must(EmailAddresses.IsValid)
                .WithMessage("'Email' must be a single e-mail address such as name@example.org.");
            RuleFor(r => r.Language)
                .Must(language => language is null || ReporterLanguages.All.Contains(language))
                .WithMessage($"'Language' must be one of: {string.Join(", ", ReporterLanguages.All)}.");
        }
    }
}
