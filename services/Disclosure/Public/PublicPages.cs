using System.Globalization;
using System.Net;
using System.Text;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Public;

/// <summary>The public HTML pages, in English and Simplified Chinese: every text encoded, no script, no third-party origin.</summary>
public static class PublicPages
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self' 'sha256-{style}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private const string Style = "body{font-family:sans-serif;line-height:1.5;max-width:48em;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.meta{color:#555}";

    public static string StyleHash { get; } = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Style)));

    private static readonly Dictionary<string, Dictionary<string, string>> Labels = new()
    {
        ["en"] = new()
        {
            ["advisories"] = "Security advisories", ["published"] = "Published", ["updated"] = "Last updated", ["severity"] = "Severity",
            ["summary"] = "Summary", ["products"] = "Affected products", ["vendor"] = "Vendor", ["product"] = "Product", ["versions"] = "Versions",
            ["status"] = "Status", ["fixed"] = "Fixed in", ["remediation"] = "Remediation", ["statements"] = "Vendor statements", ["credit"] = "Credit",
            ["revisions"] = "Revision history", ["documents"] = "Machine-readable", ["acknowledgments"] = "Acknowledgments",
            ["thanks"] = "We thank the people who reported vulnerabilities to us and agreed to be named.", ["none"] = "No advisories have been published yet.",
            [ProductStatuses.KnownAffected] = "Affected", [ProductStatuses.KnownNotAffected] = "Not affected", [ProductStatuses.Fixed] = "Fixed",
            [ProductStatuses.UnderInvestigation] = "Under investigation", ["cve"] = "CVE", ["weakness"] = "Weakness", ["language"] = "中文",
        },
        ["zh-CN"] = new()
        {
            ["advisories"] = "安全公告", ["published"] = "发布时间", ["updated"] = "最后更新", ["severity"] = "严重程度", ["summary"] = "摘要",
            ["products"] = "受影响的产品", ["vendor"] = "供应商", ["product"] = "产品", ["versions"] = "版本", ["status"] = "状态", ["fixed"] = "修复版本",
            ["remediation"] = "修复建议", ["statements"] = "供应商声明", ["credit"] = "致谢", ["revisions"] = "修订历史", ["documents"] = "机器可读格式",
            ["acknowledgments"] = "致谢", ["thanks"] = "感谢向我们报告漏洞并同意公开署名的各位。", ["none"] = "尚未发布任何公告。",
            [ProductStatuses.KnownAffected] = "受影响", [ProductStatuses.KnownNotAffected] = "不受影响", [ProductStatuses.Fixed] = "已修复",
            [ProductStatuses.UnderInvestigation] = "调查中", ["cve"] = "CVE", ["weakness"] = "弱点类型", ["language"] = "English",
        },
    };

    public static string Language(HttpRequest request)
    {
        var asked = request.Query["lang"].ToString();
        if (asked is "en" or "zh-CN") return asked;
        var accept = request.Headers.AcceptLanguage.ToString();
        return accept.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : "en";
    }

    public static string Advisory(PublicAdvisory a, string lang)
    {
        var l = Labels[lang];
        var c = a.Content;
        var zh = lang == "zh-CN";
        var body = new StringBuilder();
        body.Append($"<p class=\"meta\">{E(a.PublicId)} · {E(l["published"])}: {Instant(a.VisibleFrom, a.TimeZone)} · {E(l["updated"])}: {Instant(a.CurrentReleaseDate, a.TimeZone)}</p>");
        if (c.CveIds.Count > 0) body.Append($"<p>{E(l["cve"])}: {E(string.Join(", ", c.CveIds))}</p>");
        if (c.CvssVector is { } vector) body.Append($"<p>{E(l["severity"])}: {E(c.Severity ?? "")} {c.BaseScore?.ToString("0.0", CultureInfo.InvariantCulture)} <code>{E(vector)}</code></p>");
        if (c.Cwe is { } cwe) body.Append($"<p>{E(l["weakness"])}: {E(cwe)}{(c.CweName is { } name ? " " + E(name) : "")}</p>");
        body.Append($"<h2>{E(l["summary"])}</h2>{Paragraphs(zh && c.SummaryZh is { } s ? s : c.Summary)}");
        if (c.Products.Count > 0)
        {
            body.Append($"<h2>{E(l["products"])}</h2><table><tr><th>{E(l["vendor"])}</th><th>{E(l["product"])}</th><th>{E(l["versions"])}</th><th>{E(l["status"])}</th><th>{E(l["fixed"])}</th></tr>");
            foreach (var p in c.Products)
            {
                body.Append($"<tr><td>{E(p.Vendor)}</td><td>{E(p.Product)}</td><td>{E(p.Versions ?? "")}</td><td>{E(l[p.Status])}{(p.Justification is { } j ? " (" + E(j) + ")" : "")}</td><td>{E(p.FixedVersion ?? "")}</td></tr>");
            }
            body.Append("</table>");
        }
        if ((zh && c.RemediationZh is { } rz ? rz : c.Remediation) is { } remediation) body.Append($"<h2>{E(l["remediation"])}</h2>{Paragraphs(remediation)}");
        if (c.Statements.Count > 0)
        {
            body.Append($"<h2>{E(l["statements"])}</h2>");
            foreach (var statement in c.Statements) body.Append($"<h3>{E(statement.Vendor)}</h3>{Paragraphs(statement.Text)}");
        }
        if (c.Credit is { } credit) body.Append($"<h2>{E(l["credit"])}</h2><p>{E(credit)}</p>");
        body.Append($"<h2>{E(l["revisions"])}</h2><ol>");
        foreach (var r in a.Revisions) body.Append($"<li>{Instant(r.Date, a.TimeZone)}: {E(r.Summary)}</li>");
        body.Append($"</ol><h2>{E(l["documents"])}</h2><ul><li><a href=\"/advisories/{E(a.PublicId)}.json\">JSON</a></li>")
            .Append($"<li><a href=\"/.well-known/csaf/white/{a.Year}/{E(a.PublicId.ToLowerInvariant())}.json\">CSAF 2.0</a></li></ul>");
        return Page(lang, zh && c.TitleZh is { } tz ? tz : c.Title, body.ToString(), $"/advisories/{a.PublicId}");
    }

    public static string Index(IReadOnlyList<PublicAdvisory> advisories, string lang)
    {
        var l = Labels[lang];
        var body = new StringBuilder();
        if (advisories.Count == 0) body.Append($"<p>{E(l["none"])}</p>");
        body.Append("<ul>");
        foreach (var a in advisories)
        {
            var title = lang == "zh-CN" && a.Content.TitleZh is { } tz ? tz : a.Content.Title;
            body.Append($"<li><a href=\"/advisories/{E(a.PublicId)}\">{E(a.PublicId)}: {E(title)}</a> <span class=\"meta\">{Instant(a.VisibleFrom, a.TimeZone)}</span></li>");
        }
        body.Append("</ul><p><a href=\"/advisories/feed.atom\">Atom</a> · <a href=\"/.well-known/csaf/provider-metadata.json\">CSAF</a></p>");
        return Page(lang, l["advisories"], body.ToString(), "/advisories");
    }

    public static string Acknowledgments(IReadOnlyList<PublicAdvisory> advisories, string lang)
    {
        var l = Labels[lang];
        var body = new StringBuilder($"<p>{E(l["thanks"])}</p><ul>");
        foreach (var a in advisories.Where(a => a.Content.Credit is not null))
        {
            body.Append($"<li>{E(a.Content.Credit!)} — <a href=\"/advisories/{E(a.PublicId)}\">{E(a.PublicId)}</a></li>");
        }
        return Page(lang, l["acknowledgments"], body.Append("</ul>").ToString(), "/acknowledgments");
    }

    private static string Page(string lang, string title, string body, string path)
    {
        var other = lang == "en" ? "zh-CN" : "en";
        return $"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + $"<title>{E(title)}</title><style>{Style}</style></head><body><p><a href=\"/advisories?lang={lang}\">{E(Labels[lang]["advisories"])}</a> · "
            + $"<a href=\"{E(path)}?lang={other}\" hreflang=\"{other}\">{E(Labels[lang]["language"])}</a></p><h1>{E(title)}</h1>{body}</body></html>";
    }

    private static string Paragraphs(string text) =>
        string.Concat(text.Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries).Select(p => $"<p>{E(p).Replace("\n", "<br>", StringComparison.Ordinal)}</p>"));

    /// <summary>An instant in UTC and in the zone it was scheduled in.</summary>
    private static string Instant(DateTimeOffset at, string zone)
    {
        var utc = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        if (zone == "UTC" || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz)) return E(utc);
        var local = TimeZoneInfo.ConvertTime(at, tz).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return E($"{utc} ({local} {zone})");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
