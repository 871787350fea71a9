using System.Text.RegularExpressions;
using FluentValidation;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.Triage.Scoring;

namespace VulnPlatform.Triage.Cases;

public sealed record AcknowledgeRequest(string? Message);
public sealed record AssignRequest(string? AnalystId);
public sealed record RequestInformationRequest(string? Question);
public sealed record AssessRequest(string? CvssVector, string? Cwe);
public sealed record ValidateRequest(string? Explanation);
public sealed record RejectRequest(string? Reason, string? Explanation, string? DuplicateOf);
public sealed record ThirdPartyRequest(string? Vendor, string? Product);
public sealed record PlanRemediationRequest(string? Plan, DateOnly? TargetFixDate, DateOnly? ProposedDisclosureDate);
public sealed record ProgressUpdateRequest(string? Text);
public sealed record MarkFixedRequest(string? FixedVersion);

internal static partial class CaseText
{
    public const int MaxMessage = 20_000;

    [GeneratedRegex("^CWE-[1-9][0-9]{0,5}$")]
    public static partial Regex Cwe();

    [GeneratedRegex("^VR-[0-9]{4}-[0-9]{6}$")]
    public static partial Regex TrackingNumber();

    public static IRuleBuilderOptions<T, string?> Message<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(MaxMessage).MultiLineText();

    public static IRuleBuilderOptions<T, string?> Name<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(200).SingleLineText();
}

public sealed class AcknowledgeValidator : AbstractValidator<AcknowledgeRequest>
{
    public AcknowledgeValidator() => RuleFor(r => r.Message).Message();
}

public sealed class AssignValidator : AbstractValidator<AssignRequest>
{
    public AssignValidator() => RuleFor(r => r.AnalystId).NotEmpty().Must(id => Guid.TryParse(id, out _)).WithMessage("'Analyst Id' must be an account id.");
}

public sealed class RequestInformationValidator : AbstractValidator<RequestInformationRequest>
{
    public RequestInformationValidator() => RuleFor(r => r.Question).Message();
}

public sealed class AssessValidator : AbstractValidator<AssessRequest>
{
    public AssessValidator()
    {
        RuleFor(r => r).Must(r => r.CvssVector is not null || r.Cwe is not null).WithMessage("Give a CVSS vector, a CWE, or both.");
        RuleFor(r => r.CvssVector!).Must(v => CvssScoring.Score(v).Error is null)
            .WithMessage((_, v) => CvssScoring.Score(v).Error?.Reason ?? "").When(r => r.CvssVector is not null);
        RuleFor(r => r.Cwe!).Matches(CaseText.Cwe()).WithMessage("'Cwe' must look like CWE-79.").When(r => r.Cwe is not null);
    }
}

public sealed class ValidateValidator : AbstractValidator<ValidateRequest>
{
    public ValidateValidator() => RuleFor(r => r.Explanation).Message();
}

public sealed class RejectValidator : AbstractValidator<RejectRequest>
{
    public RejectValidator()
    {
        RuleFor(r => r.Reason).Must(r => r is not null && RejectionReasons.All.Contains(r))
            .WithMessage($"'Reason' must be one of: {string.Join(", ", RejectionReasons.All)}.");
        RuleFor(r => r.Explanation).Message();
        RuleFor(r => r.DuplicateOf).Must(d => d is not null && CaseText.TrackingNumber().IsMatch(d)).When(r => r.Reason == RejectionReasons.Duplicate)
            .WithMessage("A duplicate names the original's tracking number (VR-2026-000123).");
        RuleFor(r => r.DuplicateOf).Null().When(r => r.Reason != RejectionReasons.Duplicate)
            .WithMessage("Only a duplicate names another report.");
    }
}

public sealed class ThirdPartyValidator : AbstractValidator<ThirdPartyRequest>
{
    public ThirdPartyValidator()
    {
        RuleFor(r => r.Vendor).Name();
        RuleFor(r => r.Product).Name();
    }
}

public sealed class PlanRemediationValidator : AbstractValidator<PlanRemediationRequest>
{
    public PlanRemediationValidator()
    {
        RuleFor(r => r.Plan).Message();
        RuleFor(r => r.TargetFixDate).NotNull();
        RuleFor(r => r.ProposedDisclosureDate).NotNull().GreaterThanOrEqualTo(r => r.TargetFixDate)
            .WithMessage("The proposed disclosure date is on or after the target fix date.");
    }
}

public sealed class ProgressUpdateValidator : AbstractValidator<ProgressUpdateRequest>
{
    public ProgressUpdateValidator() => RuleFor(r => r.Text).Message();
}

public sealed class MarkFixedValidator : AbstractValidator<MarkFixedRequest>
{
    public MarkFixedValidator() => RuleFor(r => r.FixedVersion).NotEmpty().MaximumLength(100).SingleLineText();
}
