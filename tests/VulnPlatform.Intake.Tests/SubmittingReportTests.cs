using Marten;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VulnPlatform.Intake.Reports;
using VulnPlatform.Intake.Reports.Following;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class SubmittingReportTests(IntakeFixture intake)
{
    [Fact]
    public async Task A_report_gets_a_tracking_number_a_token_shown_once_and_a_status_view()
    {
        var response = await intake.Client.PostAsJsonAsync("/api/reports", Reports.Valid());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var trackingNumber = body.GetProperty("trackingNumber").GetString()!;
        var token = body.GetProperty("followUpToken").GetString()!;
        Assert.Matches(@"^VR-\d{4}-\d{6}$", trackingNumber);
        Assert.Equal($"VR-{DateTime.UtcNow.Year}-", trackingNumber[..8]);
        Assert.Equal($"/api/reports/{trackingNumber}", response.Headers.Location?.OriginalString);
        Assert.Equal("received", body.GetProperty("status").GetString());
        Assert.True(token.Length >= 43, "the token carries 256 bits");
        Assert.True(body.GetProperty("receivedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        // The reporter asked for Chinese, so the receipt is in Chinese.
        Assert.Contains("24 小时", body.GetProperty("nextSteps")[0].GetString());

        var status = await GetStatusAsync(trackingNumber, token);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var view = await status.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(trackingNumber, view.GetProperty("trackingNumber").GetString());
        Assert.Equal("Stored XSS in the product review form", view.GetProperty("title").GetString());
        Assert.Equal("received", view.GetProperty("timeline")[0].GetProperty("event").GetString());

        // The token is never stored or shown again, only its hash, which the view does not expose.
        var viewJson = view.GetRawText();
        Assert.DoesNotContain(token, viewJson);
        Assert.DoesNotContain(FollowUpTokens.Hash(token), viewJson);
        await using var session = intake.Store.QuerySession();
        var stored = await session.Query<ReportStatusView>().SingleAsync(v => v.TrackingNumber == trackingNumber);
        Assert.Equal(FollowUpTokens.Hash(token), stored.FollowUpTokenHash);
        var events = await session.Events.FetchStreamAsync(stored.Id);
        Assert.Collection(events,
            e => Assert.IsType<ReportFiled>(e.Data),
            e => Assert.DoesNotContain(Reports.ReporterEmail, System.Text.Encoding.UTF8.GetString(Assert.IsType<ReporterContactGiven>(e.Data).Contact)));
        // The report's own data key, wrapped under the key ring's active key.
        var dataKey = await session.LoadAsync<VulnPlatform.ServiceDefaults.Security.WrappedDataKey>(stored.Id);
        Assert.Equal("test-1", dataKey!.Wrapped.KeyId);
        Assert.DoesNotContain(events, e => JsonSerializer.Serialize(e.Data).Contains(token));
    }

    [Fact]
    public async Task An_anonymous_report_is_accepted_without_contact_details()
    {
        var submitted = await intake.SubmitAsync(Reports.Valid(anonymous: true));

        await using var session = intake.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(submitted.ReportId);
        var only = Assert.Single(events);
        Assert.True(Assert.IsType<ReportFiled>(only.Data).Anonymous);
        Assert.Contains("24 hours", submitted.NextSteps[0]);
    }

    [Theory]
    [InlineData("zh-CN,zh;q=0.9,en;q=0.8", "24 小时")]
    [InlineData("en-GB,zh-CN;q=0.5", "24 hours")]
    [InlineData("fr-FR", "24 hours")]
    [InlineData("", "24 hours")]
    public async Task An_anonymous_reporter_is_answered_in_the_language_their_client_prefers(string acceptLanguage, string expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(Reports.Valid(anonymous: true)) };
        if (acceptLanguage.Length > 0) request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        var response = await intake.Client.SendAsync(request);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(expected, body.GetProperty("nextSteps")[0].GetString());
    }

    [Fact]
    public async Task Html_in_text_is_kept_as_text_and_returned_as_json()
    {
        var body = Reports.With("title", "<img src=x onerror=alert(1)> in title");
        var submitted = await intake.SubmitAsync(body);

        var status = await GetStatusAsync(submitted.TrackingNumber, submitted.FollowUpToken);
        Assert.Equal("application/json", status.Content.Headers.ContentType?.MediaType);
        var view = await status.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("<img src=x onerror=alert(1)> in title", view.GetProperty("title").GetString());
    }

    public static TheoryData<string, string?> UnknownNumberOrWrongToken => new()
    {
        { "known", "wrong-token" },
        { "known", null },
        { "known", "" },
        { "VR-2000-999999", "any-token" },
        { "../../etc/passwd", "any-token" },
        { new string('9', 5000), "any-token" },
    };

    [Theory]
    [MemberData(nameof(UnknownNumberOrWrongToken))]
    public async Task A_wrong_token_and_an_unknown_number_get_the_same_404(string trackingNumber, string? token)
    {
        var known = await intake.SubmitAsync(Reports.Valid());
        var number = trackingNumber == "known" ? known.TrackingNumber : trackingNumber;

        var response = await GetStatusAsync(number, token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Report not found", problem.GetProperty("title").GetString());
        Assert.Equal("No report matches this tracking number and follow-up token.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Stored XSS", await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string, string, HttpStatusCode> BadRequests()
    {
        static string Json(object body) => JsonSerializer.Serialize(body);
        const string json = "application/json";
        return new()
        {
            { "malformed JSON", """{"title": "x", """, json, HttpStatusCode.BadRequest },
            { "not an object", "[1,2,3]", json, HttpStatusCode.BadRequest },
            { "empty body", "", json, HttpStatusCode.BadRequest },
            { "missing title", Json(Reports.Without("title")), json, HttpStatusCode.BadRequest },
            { "missing description", Json(Reports.Without("description")), json, HttpStatusCode.BadRequest },
            { "missing product of a vulnerability", Json(Reports.Without("product")), json, HttpStatusCode.BadRequest },
            { "missing steps of a vulnerability", Json(Reports.Without("stepsToReproduce")), json, HttpStatusCode.BadRequest },
            { "missing thirdParty of a vulnerability", Json(Reports.Without("thirdParty")), json, HttpStatusCode.BadRequest },
            { "thirdParty of the wrong type", Json(Reports.With("thirdParty", "yes")), json, HttpStatusCode.BadRequest },
            { "title of the wrong type", Json(Reports.With("title", 42)), json, HttpStatusCode.BadRequest },
            { "product of the wrong type", Json(Reports.With("product", "Acme Shop")), json, HttpStatusCode.BadRequest },
            { "over-long title", Json(Reports.With("title", new string('a', 201))), json, HttpStatusCode.BadRequest },
            { "over-long description", Json(Reports.With("description", new string('a', 20_001))), json, HttpStatusCode.BadRequest },
            { "control character in title", Json(Reports.With("title", "bell\u0007")), json, HttpStatusCode.BadRequest },
            { "line break in title", Json(Reports.With("title", "two\nlines")), json, HttpStatusCode.BadRequest },
            { "bidi override in title", Json(Reports.With("title", "admin\u202Etxt.exe")), json, HttpStatusCode.BadRequest },
            { "NUL in description", Json(Reports.With("description", "a\u0000b")), json, HttpStatusCode.BadRequest },
            { "lone surrogate", """{"title":"\ud800 x","description":"d","kind":"general"}""", json, HttpStatusCode.BadRequest },
            { "invalid UTF-8", "{\"title\":\"\xC3\x28\",\"description\":\"d\",\"kind\":\"general\"}", json, HttpStatusCode.BadRequest },
            { "unknown kind", Json(Reports.With("kind", "exploit")), json, HttpStatusCode.BadRequest },
            { "kind in other case", Json(Reports.With("kind", "Vulnerability")), json, HttpStatusCode.BadRequest },
            { "bad CWE", Json(Reports.With("cwe", "79")), json, HttpStatusCode.BadRequest },
            { "bad e-mail", Json(Reports.With("reporter", new { name = "A", email = "not-an-address", language = "en" })), json, HttpStatusCode.BadRequest },
            { "two e-mails", Json(Reports.With("reporter", new { email = "a@example.org, b@example.org" })), json, HttpStatusCode.BadRequest },
            { "e-mail with display name", Json(Reports.With("reporter", new { email = "Eve <eve@example.org>" })), json, HttpStatusCode.BadRequest },
            { "e-mail header injection", Json(Reports.With("reporter", new { email = "eve@example.org\r\nBcc: x@example.org" })), json, HttpStatusCode.BadRequest },
            { "unknown language", Json(Reports.With("reporter", new { email = "a@example.org", language = "fr" })), json, HttpStatusCode.BadRequest },
            { "form content type", "title=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType },
            { "text content type", Json(Reports.Valid()), "text/plain", HttpStatusCode.UnsupportedMediaType },
            { "body over the limit", Json(Reports.With("description", new string('a', 300_000))), json, HttpStatusCode.RequestEntityTooLarge },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_problem_details_and_stores_nothing(
        string because, string body, string contentType, HttpStatusCode expected)
    {
        var before = await intake.CountEventsAsync();
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };

        var response = await intake.Client.PostAsync("/api/reports", content);

        Assert.True(expected == response.StatusCode, $"{because}: expected {expected}, got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.StartsWith("https://vulnplatform.dev/problems/", problem.GetProperty("type").GetString());
        Assert.Equal(before, await intake.CountEventsAsync());
    }

    [Fact]
    public async Task A_validation_problem_names_each_failing_field()
    {
        var body = Reports.With("title", new string('a', 201));
        body["cwe"] = "XSS";
        body["cvssVector"] = "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P";

        var response = await intake.Client.PostAsJsonAsync("/api/reports", body);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://vulnplatform.dev/problems/validation", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Contains("200", errors.GetProperty("Title")[0].GetString());
        Assert.Contains("CWE-79", errors.GetProperty("Cwe")[0].GetString());
        Assert.Contains("v3.1 or v4.0", errors.GetProperty("CvssVector")[0].GetString());
    }

    [Fact]
    public async Task The_reporters_own_CVSS_vector_is_kept_as_a_suggestion()
    {
        var body = Reports.With("title", "Scored by the reporter");
        body["cvssVector"] = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

        var response = await intake.Client.PostAsJsonAsync("/api/reports", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reportId").GetGuid();
        await using var session = intake.Store.QuerySession();
        var stored = (await session.Events.FetchStreamAsync(reportId)).Single(e => e.Data is VulnPlatform.Intake.Reports.ReportFiled);
        Assert.Equal("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", ((VulnPlatform.Intake.Reports.ReportFiled)stored.Data).SuggestedCvssVector);
        // What Triage receives carries it on.
        var submitted = (VulnPlatform.Contracts.Intake.ReportSubmitted)new VulnPlatform.Intake.Reports.IntakeIntegrationEvents().ToIntegrationEvent(stored)!;
        Assert.Equal("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", submitted.SuggestedCvssVector);
    }

    private Task<HttpResponseMessage> GetStatusAsync(string trackingNumber, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{Uri.EscapeDataString(trackingNumber)}");
        if (token is not null) request.Headers.Add(FollowUpTokens.Header, token);
        return intake.Client.SendAsync(request);
    }
}
