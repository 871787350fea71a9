namespace VulnPlatform.Intake.Reports;

public static class ReporterLanguages
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-CN";

    public static IReadOnlyList<string> All { get; } = [English, SimplifiedChinese];
}
