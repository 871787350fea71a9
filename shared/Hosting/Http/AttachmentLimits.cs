namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// Upload limits of reporter attachments (configuration section <c>Attachments</c>), in one place
/// for Intake, which enforces them, and the gateway, which sizes the upload route's body limit from
/// them (route metadata <c>MaxRequestBodyBytes: Attachments</c>).
/// </summary>
public class AttachmentLimits
{
    public const string Section = "Attachments";
    private const long MiB = 1024 * 1024;

    public int MaxFilesPerReport { get; set; } = 10;
    public long MaxFileBytes { get; set; } = 10 * MiB;
    public long MaxBytesPerReport { get; set; } = 50 * MiB;

    /// <summary>The largest upload request: a report's whole allowance plus room for multipart framing.</summary>
    public long MaxRequestBytes => MaxBytesPerReport + MiB;
}
