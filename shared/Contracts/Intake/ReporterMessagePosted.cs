namespace VulnPlatform.Contracts.Intake;

/// <summary>
/// The reporter wrote to the people handling the report (an answer, more detail, a question), or — with
/// <see cref="ToVendorOrganisationId"/> — to a vendor organisation the report was shared with, through
/// the coordinator (Intake has checked it names neither the reporter nor their address without consent).
/// </summary>
public sealed record ReporterMessagePosted(
    Guid ReportId,
    string TrackingNumber,
    Guid MessageId,
    string Text,
    IReadOnlyList<Guid> AttachmentIds,
    Actor PostedBy,
    DateTimeOffset PostedAt,
    Guid? ToVendorOrganisationId = null);
