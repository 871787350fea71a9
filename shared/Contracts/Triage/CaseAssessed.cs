namespace VulnPlatform.Contracts.Triage;

/// <summary>Staff scored the case: a CVSS vector (v3.1 or v4.0) with its base score and severity, and the weakness (CWE).</summary>
public sealed record CaseAssessed(
    Guid CaseId, Guid ReportId, string? CvssVector, decimal? BaseScore, string? Severity, string? Cwe, Actor AssessedBy, DateTimeOffset AssessedAt);
