namespace VulnPlatform.Contracts.Triage;

/// <summary>The case ended: <see cref="Reason"/> is resolved, rejected, withdrawn or no-response.</summary>
public sealed record CaseClosed(Guid CaseId, Guid ReportId, string TrackingNumber, string Reason, Actor ClosedBy, DateTimeOffset ClosedAt);
