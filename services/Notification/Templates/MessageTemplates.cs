using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using Fluid;

namespace VulnPlatform.Notification.Templates;

/// <summary>A message as rendered: a one-line subject, a plain-text body and an HTML body.</summary>
public sealed record RenderedMessage(string Subject, string Text, string Html);

/// <summary>
/// Liquid templates (Fluid), one file per message and language under <c>Templates/&lt;language&gt;/</c>,
/// each in three parts (<c>--- subject ---</c>, <c>--- text ---</c>, <c>--- html ---</c>). Values are
/// HTML-encoded in the HTML part (Fluid's encoder on every output); the subject is folded to one line,
/// so no value can start a header of its own.
/// </summary>
public sealed class MessageTemplates
{
    public const string English = "en";
    public const string SimplifiedChinese = "zh-CN";
    private const int MaxSubjectLength = 200;
    private static readonly FluidParser Parser = new();
    private static readonly string[] Parts = ["subject", "text", "html"];

    private readonly string _root;
    private readonly ConcurrentDictionary<(string, string), IFluidTemplate[]> _cache = new();
    private readonly TemplateOptions _options = new();

    public MessageTemplates(string root)
    {
        _root = root;
        _options.MemberAccessStrategy = new UnsafeMemberAccessStrategy();
    }

    public static MessageTemplates FromApplication() => new(Path.Combine(AppContext.BaseDirectory, "Templates"));

    /// <summary>zh, zh-CN, zh-Hans… give Simplified Chinese; anything else (or nothing) gives English.</summary>
    public static string Language(string? requested) =>
        requested is not null && requested.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? SimplifiedChinese : English;

    public bool Exists(string template) => File.Exists(PathOf(template, English));

    public RenderedMessage Render(string template, string? language, IReadOnlyDictionary<string, string?> values)
    {
        var parts = _cache.GetOrAdd((template, Language(language)), key => Load(key.Item1, key.Item2));
        var context = new TemplateContext(_options);
        foreach (var (name, value) in values) context.SetValue(name, value);
        var subject = OneLine(parts[0].Render(context, NullEncoder.Default));
        var text = parts[1].Render(context, NullEncoder.Default).Trim() + "\n";
        var html = parts[2].Render(context, HtmlEncoder.Default).Trim() + "\n";
        return new RenderedMessage(subject, text, html);
    }

    private IFluidTemplate[] Load(string template, string language)
    {
        var path = PathOf(template, language);
        if (!File.Exists(path)) path = PathOf(template, English);
        var source = File.ReadAllText(path);
        return Parts.Select(part =>
        {
            var marker = $"--- {part} ---";
            var start = source.IndexOf(marker, StringComparison.Ordinal);
            if (start < 0) throw new InvalidOperationException($"{path} has no '{marker}' part.");
            start += marker.Length;
            var end = source.IndexOf("\n--- ", start, StringComparison.Ordinal);
            var body = (end < 0 ? source[start..] : source[start..end]).Trim('\r', '\n');
            return Parser.TryParse(body, out var parsed, out var error)
                ? parsed
                : throw new InvalidOperationException($"{path}, part {part}: {error}");
        }).ToArray();
    }

    private string PathOf(string template, string language) => Path.Combine(_root, language, template + ".liquid");

    /// <summary>Control characters (CR, LF, tabs…) become spaces, runs of spaces one, at most 200 characters.</summary>
    public static string OneLine(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var space = char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085';
            if (space || c == ' ')
            {
                if (builder.Length > 0 && builder[^1] != ' ') builder.Append(' ');
            }
            else builder.Append(c);
        }
        var line = builder.ToString().Trim();
        return line.Length <= MaxSubjectLength ? line : line[..(MaxSubjectLength - 1)] + "…";
    }
}
