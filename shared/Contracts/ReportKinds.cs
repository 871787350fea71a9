namespace VulnPlatform.Contracts;

/// <summary>The kinds of submission the platform accepts; only vulnerabilities go to triage.</summary>
public static class ReportKinds
{
    public const string Vulnerability = "vulnerability";
    public const string Fraud = "fraud";
    public const string General = "general";

    public static IReadOnlyList<string> All { get; } = [Vulnerability, Fraud, General];
}
