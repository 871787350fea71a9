namespace VulnPlatform.Contracts.Triage;

/// <summary>
/// Not a vulnerability to act on: <see cref="Reason"/> is not-reproducible, out-of-scope, informative,
/// duplicate (with <see cref="DuplicateOf"/>, the original's tracking number) or spam; the reporter is
/// told the result and <see cref="Explanation"/>.
/// </summary>
public sealed record CaseRejected(
    Guid CaseId, Guid ReportId, string TrackingNumber, string Reason, string Explanation, string? DuplicateOf, Actor RejectedBy, DateTimeOffset RejectedAt);
