namespace VulnPlatform.Contracts.Triage;

/// <summary>The result of the investigation and the plan: written to the reporter with the target fix and proposed disclosure dates.</summary>
public sealed record RemediationPlanned(
    Guid CaseId, Guid ReportId, string TrackingNumber, string Plan, DateOnly TargetFixDate, DateOnly ProposedDisclosureDate,
    Actor PlannedBy, DateTimeOffset PlannedAt);
