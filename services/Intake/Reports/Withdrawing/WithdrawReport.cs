using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Withdrawing;

public sealed record WithdrawReportRequest(string? Reason);

public sealed record WithdrawReportResponse(string TrackingNumber, string Status, DateTimeOffset WithdrawnAt);

public sealed class WithdrawReportValidator : AbstractValidator<WithdrawReportRequest>
{
    public WithdrawReportValidator() =>
        RuleFor(w => w.Reason).NotEmpty().MaximumLength(2_000).MultiLineText();
}

public static class WithdrawReportDecider
{
    public static Decision Decide(Report report, WithdrawReportRequest request, Actor by, DateTimeOffset now) =>
        report.RefuseIfWithdrawn() is { } withdrawn
            ? withdrawn
            : new object[] { new WithdrawalRecorded(report.Id, report.TrackingNumber, request.Reason!.Trim(), by, now) };
}

public static class WithdrawReportEndpoint
{
    public static RouteHandlerBuilder MapWithdrawReport(this RouteGroupBuilder reports) =>
        reports.MapPost("/{trackingNumber}/withdraw", HandleAsync)
            .WithName("WithdrawReport")
            .Produces<WithdrawReportResponse>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithValidation<WithdrawReportRequest>();

    private static Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        WithdrawReportRequest request,
        IDocumentSession session,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return ReporterAccess.ChangeAsync(session, trackingNumber, followUpToken, user,
            report => WithdrawReportDecider.Decide(report, request, ReporterAccess.ActorOf(user), now),
            (report, _) => Results.Ok(new WithdrawReportResponse(report.TrackingNumber, ReportStatuses.Withdrawn, now)),
            cancellationToken);
    }
}
