using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// deploy/local/backup-test.sh runs these in two halves around `backup.sh create` and `backup.sh
/// restore`: the first records a report with an attachment, its triage case and a published
/// advisory on the running platform; the second, on a platform started from the backup on fresh
/// servers (another PostgreSQL, an empty RabbitMQ), finds all of it as it was — the attachment
/// decrypted with the restored key ring, the tokens signed before the backup still accepted.
/// </summary>
public sealed class BackupRestoreTests
{
    private static string FactsFile => Environment.GetEnvironmentVariable("VP_TEST_BACKUP_FACTS")
        ?? throw new InvalidOperationException("VP_TEST_BACKUP_FACTS is not set: run deploy/local/backup-test.sh.");

    [Fact]
    [Trait("Category", "BackupSeed")]
    public async Task Before_the_backup_a_report_with_an_attachment_a_case_and_a_published_advisory_exist()
    {
        using var api = Platform.Client();
        var analyst = await StaffAccounts.TokenAsync("analyst");
        var coordinator = await StaffAccounts.TokenAsync("coordinator");
        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "SQL injection in the search (backup test)", description = "The q parameter reaches the query unescaped.",
            product = new { vendor = "Us", name = "Portal", version = "5.3" }, thirdParty = false, stepsToReproduce = "/search?q='--", impact = "Database read.",
            reporter = new { name = "Backup Reporter", email = "backup.reporter@example.org", language = "zh-CN" },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var receipt = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var trackingNumber = receipt.GetProperty("trackingNumber").GetString()!;
        var token = receipt.GetProperty("followUpToken").GetString()!;

        var file = RandomNumberGenerator.GetBytes(256 * 1024);
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{trackingNumber}/attachments")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(file), "files", "dump.sql" } },
        };
        upload.Headers.Add("X-Follow-Up-Token", token);
        var uploaded = await api.SendAsync(upload);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var attachmentId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0].GetProperty("id").GetGuid();

        await Platform.OpenedCaseAsync(trackingNumber, analyst);

        var advisoryId = await DisclosureJourneyTests.DraftAdvisoryAsync(api, coordinator, trackingNumber);
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        var scheduled = await api.SendAsync(Requests.Bearer(HttpMethod.Put, $"/api/advisories/sets/{trackingNumber}/schedule", coordinator, JsonContent.Create(new
        {
            date = at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), time = at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC",
            overrideReason = "Published within seconds for the backup check.",
        })));
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        Assert.True(await Eventually.HoldsAsync(async () => (await api.GetAsync($"/advisories/{advisoryId}")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
        // Settled: the reporter's view says disclosed (the news travels over the bus) before the facts are taken.
        Assert.True(await Eventually.HoldsAsync(async () =>
            JsonDocument.Parse(await StatusAsync(api, trackingNumber, token)).RootElement.GetProperty("status").GetString() == "disclosed",
            TimeSpan.FromSeconds(30)), "the reporter's view did not become disclosed");

        var facts = new JsonObject
        {
            ["trackingNumber"] = trackingNumber,
            ["followUpToken"] = token,
            ["attachmentId"] = attachmentId,
            ["attachmentSha256"] = Convert.ToHexStringLower(SHA256.HashData(file)),
            ["analystToken"] = analyst,
            ["advisoryId"] = advisoryId,
            ["status"] = await StatusAsync(api, trackingNumber, token),
            ["case"] = await CaseAsync(api, trackingNumber, analyst),
            ["advisory"] = await api.GetStringAsync($"/advisories/{advisoryId}.json"),
        };
        await File.WriteAllTextAsync(FactsFile, facts.ToJsonString());
    }

    [Fact]
    [Trait("Category", "BackupVerify")]
    public async Task After_the_restore_on_fresh_servers_everything_is_there_as_before()
    {
        var facts = JsonNode.Parse(await File.ReadAllTextAsync(FactsFile))!;
        using var api = Platform.Client();
        var trackingNumber = (string)facts["trackingNumber"]!;
        var token = (string)facts["followUpToken"]!;

        // The reporter's view, the analyst's case (with a token signed before the backup), the public advisory: as they were.
        Assert.Equal((string)facts["status"]!, await StatusAsync(api, trackingNumber, token));
        Assert.Equal((string)facts["case"]!, await CaseAsync(api, trackingNumber, (string)facts["analystToken"]!));
        Assert.Equal((string)facts["advisory"]!, await api.GetStringAsync($"/advisories/{facts["advisoryId"]}.json"));

        // The attachment, decrypted with the restored key ring: the same bytes.
        using var download = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}/attachments/{facts["attachmentId"]}");
        download.Headers.Add("X-Follow-Up-Token", token);
        var downloaded = await api.SendAsync(download);
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        Assert.Equal((string)facts["attachmentSha256"]!, Convert.ToHexStringLower(SHA256.HashData(await downloaded.Content.ReadAsByteArrayAsync())));

        // And the restored platform works: a new report goes through the bus to a new case.
        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "After the restore", description = "A report filed on the restored platform.",
            product = new { vendor = "Us", name = "Portal", version = "5.3" }, thirdParty = false, stepsToReproduce = "-", impact = "-",
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var after = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString()!;
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/triage/cases/{after}", (string)facts["analystToken"]!))).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60)), "the restored platform did not open a case for a new report");
    }

    private static async Task<string> StatusAsync(HttpClient api, string trackingNumber, string token)
    {
        using var status = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{trackingNumber}");
        status.Headers.Add("X-Follow-Up-Token", token);
        var response = await api.SendAsync(status);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> CaseAsync(HttpClient api, string trackingNumber, string analyst)
    {
        var response = await api.SendAsync(Requests.Bearer(HttpMethod.Get, $"/api/triage/cases/{trackingNumber}", analyst));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
