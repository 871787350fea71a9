using System.Globalization;
using FluentValidation;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// Text a person typed: no control characters (tabs and line breaks only where lines make sense),
/// no invisible format characters (bidirectional overrides, zero-width characters, byte-order marks,
/// tag characters) that make text read differently from what it is, no Unicode line or paragraph
/// separators, no lone surrogates.
/// </summary>
public static class TextRules
{
    public static IRuleBuilderOptions<T, string?> SingleLineText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => IsClean(text, allowLineBreaks: false))
            .WithMessage("'{PropertyName}' must not contain control, invisible or bidirectional-override characters or line breaks.");

    public static IRuleBuilderOptions<T, string?> MultiLineText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => IsClean(text, allowLineBreaks: true))
            .WithMessage("'{PropertyName}' must not contain control, invisible or bidirectional-override characters.");

    public static bool IsClean(string? text, bool allowLineBreaks)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])
                    || IsInvisible(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1]))))
                {
                    return false; // a lone surrogate, or a tag character (U+E0000 block) and the like
                }
                i++;
                continue;
            }

            if (char.IsLowSurrogate(c) || IsInvisible(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                return false;
            }

            if (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t'))
            {
                return false;
            }
        }
        return true;
    }

    // Format (Cf): bidirectional controls, zero-width joiners and spaces, U+FEFF, tags; separators:
    // U+2028 and U+2029, which JavaScript and many viewers treat as line breaks.
    private static bool IsInvisible(UnicodeCategory category) =>
        category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
