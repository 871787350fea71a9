using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// Whether a text names a reporter, however it is dressed up: the one matcher of every identity guard
/// (the reporter↔vendor relay, vendor-bound e-mail, public advisory texts). Before matching, the text
/// and the identity are normalised alike: URL escapes and HTML entities decoded, tags dropped, Unicode NFKC (full-width ＠ and letters),
/// look-alike Cyrillic and Greek letters mapped to the Latin ones they imitate (the common part of the
/// Unicode TS #39 confusables), accents dropped, case folded, and "at"/"dot" spelled out (or bracketed)
/// read as @ and "."; an address then matches with every space removed, a name as its words (or
/// letters) in a row in any order — "Fang Wang", "Wang\n Fang", "W a n g F a n g", "WangFang" — and a
/// Chinese name as its characters in a row.
/// </summary>
public static partial class IdentityMatcher
{
    public const string EmailAddress = "e-mail address";
    public const string Name = "name";
    public const string CreditName = "credit name";

    /// <summary>Which of the identifiers the texts contain (<see cref="EmailAddress"/>, <see cref="Name"/>, <see cref="CreditName"/>), or null.</summary>
    public static string? Finds(IEnumerable<string?> texts, string? email, string? name, string? creditName = null)
    {
        var normalised = texts.OfType<string>().Where(t => t.Length > 0).Select(Normalise).ToList();
        if (normalised.Count == 0) return null;
        if (email is { Length: > 3 } && email.Contains('@'))
        {
            var address = Compact(Normalise(email));
            if (normalised.Any(t => Compact(SpellOut(t)).Contains(address, StringComparison.Ordinal))) return EmailAddress;
        }
        if (NameIn(normalised, name)) return Name;
        if (NameIn(normalised, creditName)) return CreditName;
        return null;
    }

    public static string? Finds(string? text, string? email, string? name, string? creditName = null) => Finds([text], email, name, creditName);

    private static bool NameIn(List<string> texts, string? name)
    {
        if (name is null) return false;
        var words = Words(Normalise(name));
        // Too short to tell a name from ordinary words ("Li", "Bo"): one Latin word needs 3 letters, a Chinese name 2 characters.
        if (words.Count == 0 || words.Count > 6 || words.Sum(w => w.Length) < (words.Any(IsHan) ? 2 : 3)) return false;
        var targets = Orders(words).Select(o => string.Concat(o)).ToHashSet(StringComparer.Ordinal);
        var longest = targets.Max(t => t.Length);
        foreach (var text in texts)
        {
            var tokens = Words(text);
            for (var start = 0; start < tokens.Count; start++)
            {
                var joined = new StringBuilder();
                for (var end = start; end < tokens.Count && joined.Length < longest; end++)
                {
                    joined.Append(tokens[end]);
                    if (targets.Contains(joined.ToString())) return true;
                }
            }
        }
        return false;
    }

    /// <summary>Every order of the name's words (at most six words: 720 orders).</summary>
    private static IEnumerable<IReadOnlyList<string>> Orders(IReadOnlyList<string> words)
    {
        if (words.Count <= 1)
        {
            yield return words;
            yield break;
        }
        for (var i = 0; i < words.Count; i++)
        {
            var rest = words.Where((_, j) => j != i).ToList();
            foreach (var order in Orders(rest)) yield return [words[i], .. order];
        }
    }

    /// <summary>The text's words: runs of letters and digits, each Chinese character a word of its own.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHan(rune))
            {
                Flush();
                words.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune)) current.Append(rune.ToString());
            else Flush();
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0) words.Add(current.ToString());
            current.Clear();
        }
    }

    private static bool IsHan(string word) => word.EnumerateRunes().Any(IsHan);

    private static bool IsHan(Rune rune) => rune.Value is (>= 0x3400 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3134F);

    /// <summary>Entities decoded, NFKC, look-alikes to Latin, accents dropped, lower case, spaces and line breaks collapsed.</summary>
    public static string Normalise(string text)
    {
        var decoded = Tags().Replace(WebUtility.HtmlDecode(WebUtility.HtmlDecode(Uri.UnescapeDataString(Uri.UnescapeDataString(text)))), "").Normalize(NormalizationForm.FormKC);
        var mapped = new StringBuilder(decoded.Length);
        foreach (var c in decoded) mapped.Append(Confusables.TryGetValue(c, out var latin) ? latin : c);
        var stripped = new StringBuilder(mapped.Length);
        foreach (var c in mapped.ToString().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) stripped.Append(c);
        }
        return Whitespace().Replace(stripped.ToString().Normalize(NormalizationForm.FormC).ToLowerInvariant(), " ");
    }

    /// <summary>"x at example dot org", "x (at) example [dot] org", "x＠example．org" read as an address.</summary>
    private static string SpellOut(string text) => Dot().Replace(At().Replace(text, "@"), ".");

    private static string Compact(string text) => Whitespace().Replace(text, "");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // Markup between the parts of a name or an address ("wang<span>@</span>example.org").
    [GeneratedRegex(@"<[^<>]{0,200}>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s*(?:[\(\[\{<]\s*(?:at|@)\s*[\)\]\}>]|(?<![a-z0-9])at(?![a-z0-9])|@)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex At();

    [GeneratedRegex(@"\s*(?:[\(\[\{<]\s*(?:dot|\.)\s*[\)\]\}>]|(?<![a-z0-9])dot(?![a-z0-9])|\.)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Dot();

    /// <summary>Cyrillic and Greek letters that look like Latin ones (after NFKC), as TS #39's confusables map them.</summary>
    private static readonly Dictionary<char, char> Confusables = new()
    {
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['т'] = 't',
        ['у'] = 'y', ['х'] = 'x', ['ѕ'] = 's', ['і'] = 'i', ['ј'] = 'j', ['ԁ'] = 'd', ['ԛ'] = 'q', ['ԝ'] = 'w', ['ɡ'] = 'g', ['һ'] = 'h', ['ӏ'] = 'l',
        ['А'] = 'A', ['В'] = 'B', ['Е'] = 'E', ['К'] = 'K', ['М'] = 'M', ['Н'] = 'H', ['О'] = 'O', ['Р'] = 'P', ['С'] = 'C', ['Т'] = 'T', ['У'] = 'Y',
        ['Х'] = 'X', ['Ѕ'] = 'S', ['І'] = 'I', ['Ј'] = 'J', ['Ԁ'] = 'D', ['Ԛ'] = 'Q', ['Ԝ'] = 'W', ['Ү'] = 'Y',
        ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x',
        ['Α'] = 'A', ['Β'] = 'B', ['Ε'] = 'E', ['Ζ'] = 'Z', ['Η'] = 'H', ['Ι'] = 'I', ['Κ'] = 'K', ['Μ'] = 'M', ['Ν'] = 'N', ['Ο'] = 'O', ['Ρ'] = 'P',
        ['Τ'] = 'T', ['Υ'] = 'Y', ['Χ'] = 'X',
        ['ı'] = 'i', ['ȷ'] = 'j', ['ℓ'] = 'l', ['٠'] = 'o', ['۰'] = 'o',
    };
}
