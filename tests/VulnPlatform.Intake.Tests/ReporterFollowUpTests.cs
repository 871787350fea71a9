using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Intake.Reports.Attaching;
using VulnPlatform.Intake.Reports.Submitting;
using static VulnPlatform.Intake.Tests.Uploads;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class ReporterFollowUpTests(IntakeFixture intake)
{
    private Task<HttpResponseMessage> SendAsync(HttpMethod method, SubmitReportResponse report, string path, object? body = null) =>
        intake.Client.SendAsync(intake.Reporter(method, report, path, body is null ? null : JsonContent.Create(body)));

    private async Task<JsonElement> ViewAsync(SubmitReportResponse report) =>
        await (await SendAsync(HttpMethod.Get, report, "")).Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Messages_appear_in_the_status_view_oldest_first_with_their_attachments()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
            Multipart(new UploadFile("trace.txt", "GET /search?q=<script>"u8.ToArray()))));
        var attachmentId = (await upload.Content.ReadFromJsonAsync<AddAttachmentsResponse>())!.Attachments[0].Id;

        var first = await SendAsync(HttpMethod.Post, report, "/messages", new { text = "Here is the request trace.", attachmentIds = new[] { attachmentId } });
        var second = await SendAsync(HttpMethod.Post, report, "/messages", new { text = "<b>bold</b> <script>alert(1)</script>\nSecond line" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var messages = (await ViewAsync(report)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["Here is the request trace.", "<b>bold</b> <script>alert(1)</script>\nSecond line"],
            messages.Select(m => m.GetProperty("text").GetString()));
        Assert.All(messages, m => Assert.Equal("reporter", m.GetProperty("from").GetString()));
        Assert.Equal(attachmentId, messages[0].GetProperty("attachmentIds")[0].GetGuid());
        Assert.True(messages[0].GetProperty("at").GetDateTimeOffset() <= messages[1].GetProperty("at").GetDateTimeOffset());
    }

    public static TheoryData<string, object> BadMessages => new()
    {
        { "no text", new { text = "" } },
        { "text too long", new { text = new string('x', 10_001) } },
        { "control characters", new { text = "beep\u0007" } },
        { "an attachment of another report", new { text = "see file", attachmentIds = new[] { Guid.NewGuid() } } },
        { "the same attachment twice", new { text = "see file", attachmentIds = new[] { Guid.Empty, Guid.Empty } } },
        { "attachment ids of the wrong type", new { text = "see file", attachmentIds = "all" } },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Bad_messages_are_refused_and_change_nothing(string what, object body)
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.CountEventsAsync();

        var response = await SendAsync(HttpMethod.Post, report, "/messages", body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await intake.CountEventsAsync());
    }

    [Theory]
    [InlineData("/messages", "POST", "{\"text\":\"caf\xC3\x28\"}")]
    [InlineData("/withdraw", "POST", "{\"reason\":\"\xFF\xFE\"}")]
    [InlineData("/consent", "PUT", "{\"shareIdentityWithVendor\":false,\"publicCredit\":true,\"creditName\":\"\xC0\xAF\"}")]
    public async Task Invalid_utf8_is_refused_and_changes_nothing(string path, string method, string latin1Body)
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.CountEventsAsync();
        var content = new ByteArrayContent(System.Text.Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = new("application/json");

        var response = await intake.Client.SendAsync(intake.Reporter(new HttpMethod(method), report, path, content));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await intake.CountEventsAsync());
    }

    [Fact]
    public async Task Consent_changes_are_recorded_with_their_time_and_a_repeat_changes_nothing()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        Assert.False((await ViewAsync(report)).GetProperty("consent").GetProperty("publicCredit").GetBoolean());

        var changed = await SendAsync(HttpMethod.Put, report, "/consent",
            new { shareIdentityWithVendor = true, publicCredit = true, creditName = "Ada L." });
        var afterChange = await intake.CountEventsAsync();
        var repeated = await SendAsync(HttpMethod.Put, report, "/consent",
            new { shareIdentityWithVendor = true, publicCredit = true, creditName = "Ada L." });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(afterChange, await intake.CountEventsAsync());
        var consent = (await ViewAsync(report)).GetProperty("consent");
        Assert.True(consent.GetProperty("shareIdentityWithVendor").GetBoolean());
        Assert.Equal("Ada L.", consent.GetProperty("creditName").GetString());
        Assert.True(consent.GetProperty("changedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));

        var withdrawnConsent = await SendAsync(HttpMethod.Put, report, "/consent", new { shareIdentityWithVendor = false, publicCredit = false });
        Assert.Equal(HttpStatusCode.OK, withdrawnConsent.StatusCode);
        var after = (await ViewAsync(report)).GetProperty("consent");
        Assert.False(after.GetProperty("publicCredit").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("creditName").ValueKind);
    }

    public static TheoryData<string, object> BadConsents => new()
    {
        { "credit without a name", new { shareIdentityWithVendor = false, publicCredit = true } },
        { "a name without credit", new { shareIdentityWithVendor = false, publicCredit = false, creditName = "Ada" } },
        { "missing fields", new { publicCredit = false } },
        { "a name over 100 characters", new { shareIdentityWithVendor = false, publicCredit = true, creditName = new string('a', 101) } },
        { "a name with a line break", new { shareIdentityWithVendor = false, publicCredit = true, creditName = "Ada\nLovelace" } },
        { "a string for a bool", new { shareIdentityWithVendor = "yes", publicCredit = false } },
    };

    [Theory]
    [MemberData(nameof(BadConsents))]
    public async Task Bad_consent_is_refused_and_changes_nothing(string what, object body)
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var before = await intake.CountEventsAsync();

        var response = await SendAsync(HttpMethod.Put, report, "/consent", body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Equal(before, await intake.CountEventsAsync());
    }

    [Fact]
    public async Task After_withdrawal_every_change_is_refused_with_409()
    {
        var report = await intake.SubmitAsync(Reports.Valid());

        var withdrawn = await SendAsync(HttpMethod.Post, report, "/withdraw", new { reason = "Found it was intended behaviour." });
        var before = await intake.StoredAsync();
        var refusals = new[]
        {
            await SendAsync(HttpMethod.Post, report, "/withdraw", new { reason = "again" }),
            await SendAsync(HttpMethod.Post, report, "/messages", new { text = "one more thing" }),
            await SendAsync(HttpMethod.Put, report, "/consent", new { shareIdentityWithVendor = true, publicCredit = false }),
            await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", Multipart(new UploadFile("late.bin", RandomBytes(10))))),
        };

        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        foreach (var refusal in refusals)
        {
            Assert.Equal(HttpStatusCode.Conflict, refusal.StatusCode);
            var problem = await refusal.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("https://vulnplatform.dev/problems/withdrawn", problem.GetProperty("type").GetString());
        }
        Assert.Equal(before, await intake.StoredAsync());
        var view = await ViewAsync(report);
        Assert.Equal("withdrawn", view.GetProperty("status").GetString());
        Assert.Equal("Found it was intended behaviour.", view.GetProperty("withdrawal").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_withdrawal_needs_a_reason()
    {
        var report = await intake.SubmitAsync(Reports.Valid());

        var response = await SendAsync(HttpMethod.Post, report, "/withdraw", new { reason = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("received", (await ViewAsync(report)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("fraud", "sales", "en", "sales desk")]
    [InlineData("general", "support", "en", "support desk")]
    [InlineData("fraud", "sales", "zh-CN", "销售部门")]
    public async Task Fraud_and_general_submissions_are_routed_and_the_reporter_is_told_where(
        string kind, string desk, string language, string told)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "Strange order on my account",
            ["description"] = "An order I did not place was charged to my card.",
            ["kind"] = kind,
            ["reporter"] = new { email = "customer@example.org", language },
        };

        var report = await intake.SubmitAsync(body);

        Assert.Equal("routed", report.Status);
        Assert.Contains(told, report.NextSteps[0]);
        var view = await ViewAsync(report);
        Assert.Equal("routed", view.GetProperty("status").GetString());
        Assert.Equal(desk, view.GetProperty("desk").GetString());
        Assert.Contains(view.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("event").GetString() == "routed");
    }
}
