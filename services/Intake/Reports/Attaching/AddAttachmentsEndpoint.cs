using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using VulnPlatform.Contracts;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Attaching;

public sealed record AddAttachmentsResponse(IReadOnlyList<AttachmentView> Attachments);

public static class AddAttachmentsEndpoint
{
    private const int MaxBoundaryLength = 70; // RFC 2046

    public static RouteHandlerBuilder MapAddAttachments(this RouteGroupBuilder reports, AttachmentOptions limits) =>
        reports.MapPost("/{trackingNumber}/attachments", HandleAsync)
            .WithName("AddAttachments")
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes))
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<AddAttachmentsResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> HandleAsync(
        string trackingNumber,
        [FromHeader(Name = FollowUpTokens.Header)] string? followUpToken,
        ClaimsPrincipal user,
        HttpRequest request,
        IDocumentSession session,
        AttachmentVault vault,
        IBlobStore blobs,
        ReportKeys keys,
        IOptions<AttachmentOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await ReporterAccess.FindAsync(session, trackingNumber, followUpToken, user, cancellationToken) is not { } view)
        {
            return ReporterAccess.NotFound();
        }
        if (Boundary(request) is not { } boundary)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Upload files as multipart/form-data with a boundary.");
        }

        var limits = options.Value;
        // Checked before a byte of the body is stored, without a lock (an upload may take minutes);
        // the decider checks again under the stream's lock once the files are stored.
        var before = (await session.Events.AggregateStreamAsync<Report>(view.Id, token: cancellationToken))!;
        if (before.RefuseIfWithdrawn() is { } withdrawn)
        {
            return withdrawn.ToProblem();
        }
        var key = await keys.LoadAsync(session, view.Id, cancellationToken);
        if (key.DataKey is not { } reportKey)
        {
            return key.IsErased ? IntakeProblems.ErasedData() : IntakeProblems.KeyMissing();
        }

        var created = new List<Guid>();
        var recording = false;
        try
        {
            var files = await ReceiveAsync(request, boundary, before, reportKey, limits, vault, created, cancellationToken);
            if (files.Refusal is { } refusal)
            {
                return refusal.ToProblem();
            }

            var stream = await session.Events.FetchForExclusiveWriting<Report>(view.Id, cancellationToken);
            var report = stream.Aggregate!;
            var decision = AddAttachmentsDecider.Decide(report, files.Files, limits, ReporterAccess.ActorOf(user), time.GetUtcNow());
            if (decision.Refusal is { } refused)
            {
                return refused.ToProblem();
            }

            stream.AppendMany(decision.Events);
            // From here the outcome may be unknown (a commit can succeed and its answer be lost): the
            // blobs stay, and the orphan sweep removes them later only if no event refers to them.
            recording = true;
            await session.SaveChangesAsync(cancellationToken);
            return Results.Created($"/api/reports/{report.TrackingNumber}", new AddAttachmentsResponse(
                decision.Events.OfType<AttachmentStored>().Select(AttachmentView.From).ToList()));
        }
        finally
        {
            if (!recording)
            {
                // Nothing is kept of a refused or failed upload.
                await blobs.DeleteAsync(created, CancellationToken.None);
            }
        }
    }

    private sealed record Received(IReadOnlyList<UploadedFile> Files, Refusal? Refusal);

    private static async Task<Received> ReceiveAsync(
        HttpRequest request, string boundary, Report report, byte[] reportKey, AttachmentOptions limits, AttachmentVault vault,
        List<Guid> created, CancellationToken cancellationToken)
    {
        var files = new List<UploadedFile>();
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!IsFilePart(section.ContentDisposition))
                {
                    return new([], AttachmentRefusals.Invalid("Every part of the upload must be a file (Content-Disposition with a filename)."));
                }
                if (DisplayName(section.ContentDisposition) is not { } displayName)
                {
                    return new([], AttachmentRefusals.Invalid("A file name is encoded in a character set other than UTF-8; name files in UTF-8."));
                }
                if (FileNames.Problem(displayName) is { } nameProblem)
                {
                    return new([], AttachmentRefusals.Invalid(nameProblem));
                }
                if (report.AttachmentIds.Count + files.Count >= limits.MaxFilesPerReport)
                {
                    return new([], AttachmentRefusals.TooMany(limits));
                }

                var reportRoom = limits.MaxBytesPerReport - report.AttachmentBytes - files.Sum(f => f.Content.Size);
                var attachmentId = Guid.CreateVersion7();
                created.Add(attachmentId);
                StoredContent content;
                try
                {
                    content = await vault.StoreAsync(report.Id, reportKey, attachmentId, section.Body, Math.Min(limits.MaxFileBytes, reportRoom), cancellationToken);
                }
                catch (AttachmentTooLarge)
                {
                    return new([], reportRoom < limits.MaxFileBytes ? AttachmentRefusals.TooLargeForReport(limits) : AttachmentRefusals.FileTooLarge(limits));
                }
                catch (EmptyAttachment)
                {
                    return new([], AttachmentRefusals.Invalid($"'{displayName}' is empty; files must have content."));
                }

                files.Add(new UploadedFile(attachmentId, FileNames.Sanitize(displayName!), displayName!, DeclaredType(section.ContentType), content));
            }
        }
        catch (InvalidDataException e)
        {
            return new([], AttachmentRefusals.Invalid($"The multipart body is malformed: {e.Message}"));
        }
        catch (IOException e) when (e is not Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // A body cut short (a client that gives up gets this answer too, unread). Over-long bodies
            // are the server's BadHttpRequestException and become 413 in the exception handler.
            return new([], AttachmentRefusals.Invalid("The multipart body ended before its closing boundary."));
        }

        return new(files, null);
    }

    /// <summary>The name the client gave; null when its RFC 5987 encoding is not one we read (UTF-7, unknown names).</summary>
    private static bool IsFilePart(string? header)
    {
        try
        {
            return ContentDispositionHeaderValue.TryParse(header, out var disposition) && disposition.IsFileDisposition();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    private static string? DisplayName(string? header)
    {
        try
        {
            var disposition = ContentDispositionHeaderValue.Parse(header);
            return disposition.FileNameStar.HasValue
                ? disposition.FileNameStar.Value
                : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // an encoding we do not read (UTF-7, an unknown name) or a malformed header
        }
    }

    private static string? Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength ? null : boundary;
    }

    /// <summary>The type the client declared, kept as information only (never used to serve the file).</summary>
    private static string DeclaredType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Length <= 127
            ? parsed.MediaType.Value!.ToLowerInvariant()
            : "application/octet-stream";
}
