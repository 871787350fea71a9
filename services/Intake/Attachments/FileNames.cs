using VulnPlatform.ServiceDefaults.Http;
using System.Text;

namespace VulnPlatform.Intake.Attachments;

/// <summary>
/// A reporter's file name is display text only. Names that try to be paths are refused; the name
/// the platform uses (downloads, listings) is a sanitised one: letters, digits, '.', '-', '_', bounded.
/// </summary>
public static class FileNames
{
    public const int MaxDisplayLength = 255;
    public const int MaxSafeLength = 100;

    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "Every file needs a name.";
        }
        if (name.Length > MaxDisplayLength)
        {
            return $"File names are at most {MaxDisplayLength} characters.";
        }
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or ".." || name.Contains(":", StringComparison.Ordinal))
        {
            return $"'{Printable(name)}' is a path, not a file name.";
        }
        if (!TextRules.IsClean(name, allowLineBreaks: false))
        {
            return "File names must not contain control or bidirectional-override characters.";
        }
        return null;
    }

    public static string Sanitize(string name)
    {
        var extension = Path.GetExtension(name);
        if (extension.Length > 16) extension = "";
        var stem = name[..^extension.Length];

        var safeStem = Keep(stem, MaxSafeLength - Keep(extension, 16).Length).Trim('.', '_', '-');
        var safeExtension = Keep(extension, 16);
        return (safeStem.Length == 0 ? "attachment" : safeStem) + (safeExtension.Length > 1 ? safeExtension : "");
    }

    private static string Keep(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            if (builder.Length == max) break;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        return builder.ToString();
    }

    private static string Printable(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
