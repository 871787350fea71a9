using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using VulnPlatform.Intake.Reports.Attaching;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Testing;
using static VulnPlatform.Intake.Tests.Uploads;

namespace VulnPlatform.Intake.Tests;

/// <summary>One report through every reporter step: the status view after each, and what the bus carried.</summary>
[Collection(IntakeCollection.Name)]
public sealed class ReportLifecycleTests(IntakeFixture intake)
{
    private static readonly string[] Exchanges =
    [
        "VulnPlatform.Contracts.Intake:ReportSubmitted",
        "VulnPlatform.Contracts.Intake:AttachmentAdded",
        "VulnPlatform.Contracts.Intake:ReporterMessagePosted",
        "VulnPlatform.Contracts.Intake:ReporterConsentChanged",
        "VulnPlatform.Contracts.Intake:ReportWithdrawn",
        "VulnPlatform.Contracts.Intake:SubmissionRouted",
    ];

    [Fact]
    public async Task Every_step_shows_in_the_status_view_and_is_published_exactly_once_in_order()
    {
        await using var subscriber = await RawSubscriber.StartAsync(intake.Servers, Exchanges);

        var report = await intake.SubmitAsync(Reports.Valid());
        await StepAsync(report, "received", view => Assert.Empty(view.GetProperty("attachments").EnumerateArray()));

        var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
            Multipart(new UploadFile("poc.html", "<script>alert(document.domain)</script>"u8.ToArray(), "text/html"))));
        var attachment = (await upload.Content.ReadFromJsonAsync<AddAttachmentsResponse>())!.Attachments.Single();
        await StepAsync(report, "attachment-added", view => Assert.Equal("poc.html", view.GetProperty("attachments")[0].GetProperty("fileName").GetString()));

        await SendOkAsync(HttpMethod.Post, report, "/messages", new { text = "PoC attached.", attachmentIds = new[] { attachment.Id } });
        await StepAsync(report, "message-posted", view => Assert.Equal("PoC attached.", view.GetProperty("messages")[0].GetProperty("text").GetString()));

        await SendOkAsync(HttpMethod.Put, report, "/consent", new { shareIdentityWithVendor = false, publicCredit = true, creditName = "Z. Wei" });
        await StepAsync(report, "consent-changed", view => Assert.Equal("Z. Wei", view.GetProperty("consent").GetProperty("creditName").GetString()));

        await SendOkAsync(HttpMethod.Post, report, "/withdraw", new { reason = "Duplicate of my earlier report." });
        await StepAsync(report, "withdrawn", view => Assert.Equal("withdrawn", view.GetProperty("status").GetString()));

        var expected = new[] { "ReportSubmitted", "AttachmentAdded", "ReporterMessagePosted", "ReporterConsentChanged", "ReportWithdrawn" };
        var received = await subscriber.WaitForAsync(all => Of(all, report).Count >= expected.Length, TimeSpan.FromSeconds(30));
        // Delivery is at least once (a relay may repeat a message, with its id): one message per event, by id.
        var ours = Of(subscriber.Received, report).DistinctBy(m => m.MessageId).ToList();
        Assert.Equal(expected, ours.Select(m => m.Type));
        await using var session = intake.Store.QuerySession();
        var published = (await session.Events.FetchStreamAsync(report.ReportId)).Where(e => e.Data is not VulnPlatform.Intake.Reports.ReporterContactGiven);
        Assert.Equal(published.Select(e => e.Id), ours.Select(m => m.MessageId));

        var consent = ours.Single(m => m.Type == "ReporterConsentChanged").Message;
        Assert.Equal("Z. Wei", consent.GetProperty("creditName").GetString());
        Assert.Equal(attachment.Sha256, ours.Single(m => m.Type == "AttachmentAdded").Message.GetProperty("sha256").GetString());
        Assert.All(ours, m => Assert.DoesNotContain(Reports.ReporterEmail, m.RawJson));
        Assert.All(ours, m => Assert.DoesNotContain("alert(document.domain)", m.RawJson)); // file content never travels
    }

    [Fact]
    public async Task A_routed_submission_publishes_where_it_went()
    {
        await using var subscriber = await RawSubscriber.StartAsync(intake.Servers, Exchanges);

        var report = await intake.SubmitAsync(new { title = "Password changed without me", description = "My password was changed.", kind = "fraud" });

        var received = await subscriber.WaitForAsync(all => Of(all, report).Count >= 2, TimeSpan.FromSeconds(30));
        var ours = Of(received, report);
        Assert.Equal(["ReportSubmitted", "SubmissionRouted"], ours.Select(m => m.Type));
        Assert.Equal("sales", ours[1].Message.GetProperty("desk").GetString());
    }

    private static List<RawMessage> Of(IEnumerable<RawMessage> messages, SubmitReportResponse report) =>
        messages.Where(m => m.Message.GetProperty("reportId").GetGuid() == report.ReportId).ToList();

    private async Task SendOkAsync(HttpMethod method, SubmitReportResponse report, string path, object body)
    {
        var response = await intake.Client.SendAsync(intake.Reporter(method, report, path, JsonContent.Create(body)));
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {response.StatusCode}");
    }

    private async Task StepAsync(SubmitReportResponse report, string lastEvent, Action<JsonElement> check)
    {
        var response = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        var timeline = view.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(lastEvent, timeline[^1].GetProperty("event").GetString());
        Assert.Equal(timeline.OrderBy(e => e.GetProperty("at").GetDateTimeOffset()).Select(e => e.GetRawText()), timeline.Select(e => e.GetRawText()));
        check(view);
    }
}
