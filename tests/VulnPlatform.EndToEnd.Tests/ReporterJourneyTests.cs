using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>A reporter's journey through the real gateway, over HTTPS, into the real Intake.</summary>
public sealed class ReporterJourneyTests
{
    private static object Report(string title) => new
    {
        title,
        description = "The q parameter is echoed without encoding.",
        kind = "vulnerability",
        product = new { vendor = "Acme", name = "Shop", version = "4.2" },
        thirdParty = false,
        stepsToReproduce = "GET /search?q=<script>alert(1)</script>",
        impact = "Script runs in the victim's session.",
        reporter = new { email = "e2e.reporter@example.org", language = "en" },
    };

    [Fact]
    public async Task A_reporter_submits_attaches_a_large_file_downloads_it_and_follows_the_report()
    {
        using var client = Platform.Client();

        var submitted = await client.PostAsJsonAsync("/api/reports", Report("E2E journey"));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        Assert.Equal(HttpVersion.Version20, submitted.Version);
        Assert.StartsWith("max-age=", submitted.Headers.GetValues("Strict-Transport-Security").Single());
        var receipt = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var number = receipt.GetProperty("trackingNumber").GetString()!;
        var token = receipt.GetProperty("followUpToken").GetString()!;

        // 3 MiB: far over the gateway's default body limit, within the upload route's own.
        var file = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{number}/attachments")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(file), "files", "capture.pcap" } },
        };
        upload.Headers.Add("X-Follow-Up-Token", token);
        var uploaded = await client.SendAsync(upload);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var attachment = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), attachment.GetProperty("sha256").GetString());

        using var download = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{number}/attachments/{attachment.GetProperty("id").GetGuid()}");
        download.Headers.Add("X-Follow-Up-Token", token);
        var downloaded = await client.SendAsync(download);
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        Assert.Equal(file, await downloaded.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", downloaded.Content.Headers.ContentDisposition?.DispositionType);

        using var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{number}");
        status.Headers.Add("X-Follow-Up-Token", token);
        var view = await (await client.SendAsync(status)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("capture.pcap", view.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        Assert.Equal("e2e.reporter@example.org", view.GetProperty("contact").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Plain_http_is_only_a_redirect_to_https()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Platform.GatewayHttp };

        var response = await http.PostAsJsonAsync("/api/reports", Report("over plain HTTP"));

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal(new Uri(Platform.Gateway, "/api/reports"), response.Headers.Location);
    }

    [Fact]
    public async Task A_streamed_body_over_the_limit_is_refused_by_the_gateway()
    {
        using var client = Platform.Client();
        var huge = Encoding.UTF8.GetBytes("{\"title\":\"" + new string('a', 400_000) + "\"}");
        using var content = new StreamContent(new MemoryStream(huge)); // no Content-Length: the server must count
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = null;

        var response = await client.PostAsync("/api/reports", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_api_description_is_served_through_the_gateway()
    {
        using var client = Platform.Client();

        var description = await client.GetFromJsonAsync<JsonElement>("/api/openapi/intake.json");

        Assert.True(description.GetProperty("paths").TryGetProperty("/api/reports", out _));
    }

    [Fact]
    public async Task Internal_endpoints_are_not_reachable_from_outside()
    {
        using var client = Platform.Client();

        var response = await client.GetAsync($"/internal/reports/{Guid.NewGuid()}/contact");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task One_trace_runs_from_the_client_through_the_gateway_into_the_published_event()
    {
        var servers = await TestServers.GetAsync();
        await using var subscriber = await RawSubscriber.StartAsync(servers, "VulnPlatform.Contracts.Intake:ReportSubmitted");
        using var client = Platform.Client();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(Report("traced")) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await client.SendAsync(request);
        var number = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString();

        var received = await subscriber.WaitForAsync(
            all => all.Any(m => m.Message.GetProperty("trackingNumber").GetString() == number), TimeSpan.FromSeconds(30));
        var message = Assert.Single(received, m => m.Message.GetProperty("trackingNumber").GetString() == number);
        Assert.Equal(traceId.ToString(), Assert.IsType<string>(message.Headers["traceparent"]).Split('-')[1]);
    }
}
