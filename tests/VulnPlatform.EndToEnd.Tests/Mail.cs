namespace VulnPlatform.EndToEnd.Tests;

/// <summary>The e-mail the platform under test has sent: the development SMTP sink's .eml files (VP_TEST_MAIL_DIR).</summary>
public static class Mail
{
    private static string Folder => Environment.GetEnvironmentVariable("VP_TEST_MAIL_DIR")
        ?? throw new InvalidOperationException("VP_TEST_MAIL_DIR is not set: run the end-to-end tests with `make test`.");

    /// <summary>Every message sent so far.</summary>
    public static IReadOnlyList<MimeKit.MimeMessage> All() =>
        (Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.eml") : []).Select(f => MimeKit.MimeMessage.Load(f)).ToList();

    /// <summary>The messages sent so far to <paramref name="address"/>.</summary>
    public static IReadOnlyList<MimeKit.MimeMessage> To(string address) =>
        [.. All().Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))];
}
