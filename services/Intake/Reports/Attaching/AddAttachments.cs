using VulnPlatform.Contracts;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Reports.Attaching;

/// <summary>A file that was stored (encrypted) and now waits to be recorded on the report.</summary>
public sealed record UploadedFile(
    Guid AttachmentId,
    string FileName,
    string DisplayName,
    string DeclaredContentType,
    StoredContent Content);

public static class AttachmentRefusals
{
    public static Refusal TooMany(AttachmentOptions limits) => new(StatusCodes.Status413PayloadTooLarge,
        ProblemTypes.PayloadTooLarge, "Too many attachments", $"A report takes at most {limits.MaxFilesPerReport} files.");

    public static Refusal TooLargeForReport(AttachmentOptions limits) => new(StatusCodes.Status413PayloadTooLarge,
        ProblemTypes.PayloadTooLarge, "Attachments too large", $"A report's files add up to at most {limits.MaxBytesPerReport} bytes.");

    public static Refusal FileTooLarge(AttachmentOptions limits) => new(StatusCodes.Status413PayloadTooLarge,
        ProblemTypes.PayloadTooLarge, "File too large", $"Each file is at most {limits.MaxFileBytes} bytes.");

    public static Refusal Invalid(string detail) => new(StatusCodes.Status400BadRequest,
        ProblemTypes.Validation, "Invalid upload", detail);
}

public static class AddAttachmentsDecider
{
    /// <summary>Records stored files on the report, within the report's limits as they stand now.</summary>
    public static Decision Decide(
        Report report, IReadOnlyList<UploadedFile> files, AttachmentOptions limits, Actor by, DateTimeOffset now)
    {
        if (report.RefuseIfWithdrawn() is { } withdrawn)
        {
            return withdrawn;
        }
        if (files.Count == 0)
        {
            return AttachmentRefusals.Invalid("Send one or more files as multipart/form-data.");
        }
        if (report.AttachmentIds.Count + files.Count > limits.MaxFilesPerReport)
        {
            return AttachmentRefusals.TooMany(limits);
        }
        if (files.Any(f => f.Content.Size > limits.MaxFileBytes))
        {
            return AttachmentRefusals.FileTooLarge(limits);
        }
        if (report.AttachmentBytes + files.Sum(f => f.Content.Size) > limits.MaxBytesPerReport)
        {
            return AttachmentRefusals.TooLargeForReport(limits);
        }

        return files.Select(f => (object)new AttachmentStored(
            report.Id, report.TrackingNumber, f.AttachmentId, f.FileName, f.DisplayName, f.DeclaredContentType,
            f.Content.SniffedContentType, f.Content.Size, f.Content.Sha256, by, now)).ToArray();
    }
}
