using VulnPlatform.ServiceDefaults.Security;
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
        var found = IdentityMatcher.Finds([message.Subject, message.Text, message.Html], reporter?.Email, reporter?.Name, creditName);
        return found is null ? null
            : $"Refused by the redaction guard: the message contains the reporter's {found} and the reporter has not consented to share their identity with vendors.";
    }
}
