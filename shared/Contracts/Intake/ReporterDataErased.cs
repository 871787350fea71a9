namespace VulnPlatform.Contracts.Intake;

/// <summary>
/// The reporter's personal data of this report was erased (on the reporter's request after
/// withdrawal, or when the retention period ran out): whatever a service holds about the reporter
/// of this report (credit name, contact copies, delivery logs with addresses) it must drop now.
/// <see cref="Reason"/> is <c>reporter-request</c> or <c>retention</c>.
/// </summary>
public sealed record ReporterDataErased(
    Guid ReportId,
    string TrackingNumber,
    string Reason,
    Actor ErasedBy,
    DateTimeOffset ErasedAt);
