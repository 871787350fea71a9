using System.Net.Mail;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>One plain e-mail address, as the platform accepts it from people (reporters, coordinators entering vendor contacts).</summary>
public static class EmailAddresses
{
    public static bool IsValid(string? email)
    {
        if (string.IsNullOrEmpty(email) || !TextRules.IsClean(email, allowLineBreaks: false) || email.Any(char.IsWhiteSpace))
        {
            return false;
        }

        // One plain address (no display name, no list, no quoted local part) whose domain has at least one dot.
        var at = email.LastIndexOf('@');
        if (at <= 0 || !email[..at].All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c)))
        {
            return false;
        }
        return MailAddress.TryCreate(email, out var address)
            && address.Address == email
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.StartsWith('.') && !address.Host.EndsWith('.')
            && address.Host.All(c => char.IsLetterOrDigit(c) || c is '.' or '-')
            && !email.Contains("..", StringComparison.Ordinal);
    }
}
