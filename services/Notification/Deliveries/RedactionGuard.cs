using System.Net;
using VulnPlatform.Notification.Recipients;
using VulnPlatform.Notification.Templates;

namespace VulnPlatform.Notification.Deliveries;

/// <summary>
/// The last check before anything reaches a vendor: the rendered message must not contain the
/// reporter's name, e-mail address or credit name unless the reporter consented to share their identity with vendors.
/// </summary>
public static class RedactionGuard
{
    public static bool IsVendorBound(Delivery delivery) =>
        delivery.Recipient.Kind == Recipient.Vendor || delivery.Template.StartsWith("vendor-", StringComparison.Ordinal);

    /// <summary>Null when the message may go; otherwise why not (never quoting the identity it found).</summary>
    public static string? Check(RenderedMessage message, Contact? reporter, bool consented, string? creditName = null)
    {
        if (consented) return null;
        var haystacks = new[] { message.Subject, message.Text, WebUtility.HtmlDecode(message.Html) };
        var needles = new List<(string What, string Value)>();
        if (reporter is not null) needles.Add(("e-mail address", reporter.Email));
        if (reporter?.Name?.Trim() is { Length: >= 2 } name) needles.Add(("name", name));
        if (creditName?.Trim() is { Length: >= 2 } credit) needles.Add(("credit name", credit));
        foreach (var (what, value) in needles)
        {
            if (haystacks.Any(h => h.Contains(value, StringComparison.OrdinalIgnoreCase)))
            {
                return $"Refused by the redaction guard: the message contains the reporter's {what} and the reporter has not consented to share their identity with vendors.";
            }
        }
        return null;
    }
}
