using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Consenting;

public sealed record ChangeConsentRequest(bool? ShareIdentityWithVendor, bool? PublicCredit, string? CreditName);

public sealed class ChangeConsentValidator : AbstractValidator<ChangeConsentRequest>
{
    public const int MaxCreditName = 100;

    public ChangeConsentValidator()
    {
        RuleFor(c => c.ShareIdentityWithVendor).NotNull();
        RuleFor(c => c.PublicCredit).NotNull();
        RuleFor(c => c.CreditName).NotEmpty().MaximumLength(MaxCreditName).SingleLineText()
            .When(c => c.PublicCredit == true)
            .WithMessage("'Credit Name' is the name to credit in public: give one (at most 100 characters, one line) when publicCredit is true.");
        RuleFor(c => c.CreditName).Empty().When(c => c.PublicCredit != true)
            .WithMessage("'Credit Name' is only kept with publicCredit: true.");
    }
}

public static class ChangeConsentDecider
{
    /// <summary>A change of consent is an event; repeating the current consent changes nothing.</summary>
    public static Decision Decide(Report report, ChangeConsentRequest request, Actor by, DateTimeOffset now)
    {
        if (report.RefuseIfWithdrawn() is { } withdrawn)
        {
            return withdrawn;
        }

        var wanted = new ReporterConsent(request.ShareIdentityWithVendor!.Value, request.PublicCredit!.Value,
            request.PublicCredit.Value ? request.CreditName!.Trim() : null);
        if (wanted == report.Consent)
        {
            return Array.Empty<object>();
        }

        return new object[]
        {
            new ConsentRecorded(report.Id, report.TrackingNumber, wanted.ShareIdentityWithVendor, wanted.PublicCredit,
                wanted.CreditName, by, now),
        };
    }
}

public static class ChangeConsentEndpoint
{
    public static RouteHandlerBuilder MapChangeConsent(this RouteGroupBuilder reports) =>
        reports.MapPut("/{trackingNumber}/consent", HandleAsync)
            .WithName("ChangeReporterConsent")
            .Produces<ReporterConsent>()
            .WithValidation<ChangeConsentRequest>();

    private static Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        ChangeConsentRequest request,
        IDocumentSession session,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        ReporterAccess.ChangeAsync(session, trackingNumber, followUpToken, user,
            report => ChangeConsentDecider.Decide(report, request, ReporterAccess.ActorOf(user), time.GetUtcNow()),
            (report, decision) => Results.Ok(decision.Events.OfType<ConsentRecorded>().SingleOrDefault() is { } changed
                ? new ReporterConsent(changed.ShareIdentityWithVendor, changed.PublicCredit, changed.CreditName)
                : report.Consent),
            cancellationToken);
}
