using System.Net.Mail;
using FluentValidation;

namespace VulnPlatform.Intake;

/// <summary>
/// Text a person typed: no control characters (tabs and line breaks only where lines make sense),
/// no bidirectional overrides that make text read differently from what it is, no lone surrogates.
/// </summary>
public static class TextRules
{
    public static IRuleBuilderOptions<T, string?> SingleLineText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => IsClean(text, allowLineBreaks: false))
            .WithMessage("'{PropertyName}' must not contain control or bidirectional-override characters or line breaks.");

    public static IRuleBuilderOptions<T, string?> MultiLineText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => IsClean(text, allowLineBreaks: true))
            .WithMessage("'{PropertyName}' must not contain control or bidirectional-override characters.");

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
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }
                i++;
                continue;
            }

            if (char.IsLowSurrogate(c) || IsBidiControl(c))
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

    private static bool IsBidiControl(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}

public static class EmailAddresses
{
    public static bool IsValid(string? email)
    {
        if (string.IsNullOrEmpty(email) || !TextRules.IsClean(email, allowLineBreaks: false) || email.Any(char.IsWhiteSpace))
        {
            return false;
        }

        // One plain address (no display name, no list) whose domain has at least one dot.
        return MailAddress.TryCreate(email, out var address)
            && address.Address == email
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.StartsWith('.') && !address.Host.EndsWith('.')
            && address.Host.All(c => char.IsLetterOrDigit(c) || c is '.' or '-')
            && !email.Contains("..", StringComparison.Ordinal);
    }
}
