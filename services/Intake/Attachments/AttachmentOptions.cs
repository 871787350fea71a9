namespace VulnPlatform.Intake.Attachments;

/// <summary>Limits on what a reporter may upload (configuration section <c>Attachments</c>).</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Attachments";
    private const long MiB = 1024 * 1024;

    public int MaxFilesPerReport { get; set; } = 10;
    public long MaxFileBytes { get; set; } = 10 * MiB;
    public long MaxBytesPerReport { get; set; } = 50 * MiB;

    /// <summary>The largest upload request: a report's whole allowance plus room for multipart framing.</summary>
    public long MaxRequestBytes => MaxBytesPerReport + MiB;
}
