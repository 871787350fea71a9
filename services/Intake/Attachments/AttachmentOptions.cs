using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake.Attachments;

/// <summary>What a reporter may upload (the shared <see cref="AttachmentLimits"/>) and how Intake keeps it.</summary>
public sealed class AttachmentOptions : AttachmentLimits
{
    /// <summary>How old a blob no event refers to must be before the sweep deletes it (longer than any upload).</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(6);
}
