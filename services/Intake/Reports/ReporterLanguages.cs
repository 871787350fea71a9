using Microsoft.Net.Http.Headers;

namespace VulnPlatform.Intake.Reports;

public static class ReporterLanguages
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-CN";

    public static IReadOnlyList<string> All { get; } = [English, SimplifiedChinese];

    /// <summary>
    /// The language to answer in when the reporter named none (anonymous reports): the client's
    /// Accept-Language, best quality first, among the languages the platform writes.
    /// </summary>
    public static string FromAcceptLanguage(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var accepted))
        {
            return English;
        }

        foreach (var language in accepted.OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return SimplifiedChinese;
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return English;
        }
        return English;
    }
}
