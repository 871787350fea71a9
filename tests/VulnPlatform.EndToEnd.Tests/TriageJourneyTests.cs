using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Across services, through the gateway over HTTPS: a reporter's submission becomes a case in
/// Triage; an analyst (created by the development admin, enrolled with an authenticator) sends the
/// human acknowledgement; the reporter reads it in the report's status view, receives the receipt
/// and the acknowledgement by e-mail (Notification, through the platform's SMTP sink) in the language
/// they chose, and finds both in the report's inbox.
/// </summary>
public sealed class TriageJourneyTests
{
    [Fact]
    public async Task An_analysts_acknowledgement_reaches_the_reporters_status_view()
    {
        var analyst = await StaffAccounts.TokenAsync("analyst");
        using var api = Platform.Client();

        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "Path traversal in downloads", description = "The file parameter accepts ../ sequences.",
            product = new { vendor = "Acme", name = "Portal", version = "2.0" }, thirdParty = false,
            stepsToReproduce = "GET /download?file=../../etc/passwd", impact = "Any file the server can read.",
            reporter = new { name = "Chen Jing", email = "chen.jing@example.org", language = "zh-CN" },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var report = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var trackingNumber = report.GetProperty("trackingNumber").GetString()!;

        // Intake's relay publishes the report; Triage opens the case, and the analyst acknowledges it.
        await Platform.CaseCommandAsync(trackingNumber, analyst, "acknowledge",
            new { message = "Thank you. We reproduced the first step and are looking further." });

        // Triage's relay publishes the acknowledgement; Intake adds it to the reporter's view.
        JsonElement view = default;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}");
            status.Headers.Add("X-Follow-Up-Token", report.GetProperty("followUpToken").GetString());
            view = await (await api.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
            return view.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("from").GetString() == "staff");
        }, TimeSpan.FromSeconds(30)), "the acknowledgement did not reach the status view");
        var message = view.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("from").GetString() == "staff");
        Assert.Equal("Thank you. We reproduced the first step and are looking further.", message.GetProperty("text").GetString());

        // Notification wrote to the reporter: the receipt and the acknowledgement, in Chinese, each once.
        var mailDir = Environment.GetEnvironmentVariable("VP_TEST_MAIL_DIR")
            ?? throw new InvalidOperationException("VP_TEST_MAIL_DIR is not set: run the end-to-end tests with `make test`.");
        List<MimeKit.MimeMessage> mails = [];
        Assert.True(await Eventually.HoldsAsync(() =>
        {
            mails = Directory.Exists(mailDir)
                ? Directory.GetFiles(mailDir, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).Where(m => m.Subject?.Contains(trackingNumber) == true).ToList()
                : [];
            return Task.FromResult(mails.Count >= 2);
        }, TimeSpan.FromSeconds(30)), $"expected the receipt and the acknowledgement by e-mail, found {mails.Count}");
        Assert.Equal(2, mails.Count);
        Assert.All(mails, m => Assert.Equal("chen.jing@example.org", m.To.Mailboxes.Single().Address));
        Assert.Contains(mails, m => m.Subject!.Contains("我们已收到您的漏洞报告"));
        Assert.Contains(mails, m => m.TextBody!.Contains("Thank you. We reproduced the first step and are looking further."));

        var inbox = new HttpRequestMessage(HttpMethod.Get, $"/api/inbox/reports/{trackingNumber}");
        inbox.Headers.Add("X-Follow-Up-Token", report.GetProperty("followUpToken").GetString());
        var messages = await (await api.SendAsync(inbox)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, messages.GetProperty("total").GetInt32());
    }
}
