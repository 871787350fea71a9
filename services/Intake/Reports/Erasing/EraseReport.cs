using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using VulnPlatform.Contracts;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.Erasing;

public sealed record EraseReportResponse(string TrackingNumber, string PersonalData, DateTimeOffset ErasedAt);

public static class EraseReportDecider
{
    /// <summary>Only a withdrawn report is erased; erasing it again changes nothing.</summary>
    public static Decision Decide(Report report, string reason, Actor by, DateTimeOffset now)
    {
        if (!report.IsWithdrawn)
        {
            return new Refusal(StatusCodes.Status409Conflict, IntakeProblems.NotWithdrawn, "Report not withdrawn",
                $"Report {report.TrackingNumber} is still being handled; withdraw it first, then ask for its personal data to be erased.");
        }
        return report.IsErased
            ? Array.Empty<object>()
            : new object[] { new PersonalDataErased(report.Id, report.TrackingNumber, reason, by, now) };
    }
}

/// <summary>
/// Crypto-shredding: the report's data key is deleted in the same transaction as the event that
/// says so, which makes its sealed contact details and attachments unreadable wherever they are.
/// Then the plaintext credit names are masked in the stored events (the consent and the disclosure's
/// credit) and the attachment blobs are deleted to free their space (they were unreadable already).
/// That second step is recorded as pending in the same transaction and done again by the erasure
/// task until it succeeds: a crash or a database error after the commit never leaves a name behind.
/// </summary>
public sealed class ReportErasure(IDocumentStore store, IBlobStore blobs)
{
    public static void Configure(StoreOptions options)
    {
        options.Events.AddMaskingRuleForProtectedInformation<ConsentRecorded>(e => e with { CreditName = null });
        options.Events.AddMaskingRuleForProtectedInformation<ReporterContactGiven>(e => e with { Contact = [] });
        options.Events.AddMaskingRuleForProtectedInformation<ReportDisclosed>(e => e with { Credit = null });
        options.Schema.For<PendingErasure>();
    }

    public void Stage(IDocumentSession session, Report report, Decision decision)
    {
        if (decision.Events.OfType<PersonalDataErased>().Any())
        {
            session.Delete<WrappedDataKey>(report.Id);
            session.Store(new PendingErasure { Id = report.Id, AttachmentIds = [.. report.AttachmentIds] });
        }
    }

    public Task CompleteAsync(Report report, CancellationToken cancellationToken) =>
        CompleteAsync(new PendingErasure { Id = report.Id, AttachmentIds = [.. report.AttachmentIds] }, cancellationToken);

    public async Task CompleteAsync(PendingErasure pending, CancellationToken cancellationToken)
    {
        await store.Advanced.ApplyEventDataMasking(masking => masking.IncludeStream(pending.Id), cancellationToken);
        await blobs.DeleteAsync(pending.AttachmentIds, cancellationToken);
        await using var session = store.LightweightSession();
        session.Delete<PendingErasure>(pending.Id);
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Completes every erasure whose second step did not finish (the erasure task runs this first).</summary>
    public async Task<long> CompletePendingAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<PendingErasure> pending;
        await using (var query = store.QuerySession())
        {
            pending = await query.Query<PendingErasure>().Take(200).ToListAsync(cancellationToken);
        }
        foreach (var erasure in pending) await CompleteAsync(erasure, cancellationToken);
        return pending.Count;
    }
}

/// <summary>An erasure committed whose masking and blob deletion are still to be done.</summary>
public sealed class PendingErasure
{
    public Guid Id { get; set; }
    public List<Guid> AttachmentIds { get; set; } = [];
}

public static class EraseReportEndpoint
{
    public static RouteHandlerBuilder MapEraseReport(this RouteGroupBuilder reports) =>
        reports.MapPost("/{trackingNumber}/erase", HandleAsync)
            .WithName("EraseReporterData")
            .WithSummary("Erase the reporter's personal data and attachments of a withdrawn report (irreversible)")
            .Produces<EraseReportResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        IDocumentSession session,
        ReportErasure erasure,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Report? erased = null;
        var result = await ReporterAccess.ChangeAsync(session, trackingNumber, followUpToken, user,
            report => EraseReportDecider.Decide(report, ErasureReasons.ReporterRequest, ReporterAccess.ActorOf(user), now),
            (report, decision) =>
            {
                var at = decision.Events.OfType<PersonalDataErased>().SingleOrDefault()?.ErasedAt ?? now;
                return Results.Ok(new EraseReportResponse(report.TrackingNumber, "erased", at));
            },
            cancellationToken,
            alsoInTransaction: (report, decision) =>
            {
                erasure.Stage(session, report, decision);
                erased = report;
            });
        if (erased is not null)
        {
            await erasure.CompleteAsync(erased, cancellationToken);
        }
        return result;
    }
}
