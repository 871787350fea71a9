using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using VulnPlatform.Intake.Reports;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

/// <summary>Staff read attachments and, when they must, the reporter's identity — every time on record.</summary>
[Collection(IntakeCollection.Name)]
public sealed class StaffAccessTests(IntakeFixture intake)
{
    private readonly Guid _analyst = Guid.NewGuid();

    [Fact]
    public async Task An_analyst_downloads_an_attachment_and_the_access_is_recorded_with_who_and_which_file()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
            Uploads.Multipart(new UploadFile("poc.txt", "proof"u8.ToArray()))));
        var attachmentId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0].GetProperty("id").GetGuid();
        var url = $"/api/staff/reports/{report.TrackingNumber}/attachments/{attachmentId}";

        var download = await SendAsync(HttpMethod.Get, url, intake.Tokens.Person(_analyst, "analyst"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("proof", await download.Content.ReadAsStringAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);

        await using var session = intake.Store.QuerySession();
        var accessed = Assert.Single((await session.Events.FetchStreamAsync(report.ReportId)).Select(e => e.Data).OfType<AttachmentAccessed>());
        Assert.Equal(attachmentId, accessed.AttachmentId);
        Assert.Equal(_analyst.ToString(), accessed.By.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, url, null)).StatusCode);
        foreach (var role in new[] { "reporter", "vendor", "admin" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, url, intake.Tokens.Person(Guid.NewGuid(), role))).StatusCode);
        }
    }

    [Fact]
    public async Task A_download_whose_access_record_meets_another_write_to_the_report_is_served_and_both_are_kept()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
            Uploads.Multipart(new UploadFile("poc.txt", "proof"u8.ToArray()))));
        var attachmentId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0].GetProperty("id").GetGuid();

        // The access record is held between reading the stream's version and writing the event (a trigger
        // that waits), while another write to the report lands: a consumer adding a vendor's notice.
        await ExecuteAsync("""
            create function test_hold_access() returns trigger language plpgsql as $$
            begin if new.type = 'attachment_accessed' then perform pg_sleep(2); end if; return new; end $$;
            create trigger test_hold_access before insert on mt_events for each row execute function test_hold_access();
            """);
        try
        {
            var download = SendAsync(HttpMethod.Get, $"/api/staff/reports/{report.TrackingNumber}/attachments/{attachmentId}", intake.Tokens.Person(_analyst, "analyst"));
            Assert.True(await Eventually.HoldsAsync(async () =>
                await intake.CountAsync("select count(*) from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep'") > 0,
                TimeSpan.FromSeconds(30)), "the access record was never held");
            await using (var consumer = intake.Store.LightweightSession())
            {
                var stream = await consumer.Events.FetchForExclusiveWriting<Report>(report.ReportId);
                stream.AppendOne(new SharedWithVendor(report.ReportId, report.TrackingNumber, Guid.NewGuid(), "Acme PSIRT", "A notice.", DateTimeOffset.UtcNow));
                await consumer.SaveChangesAsync();
            }

            var response = await download;
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("proof", await response.Content.ReadAsStringAsync());
            await using var session = intake.Store.QuerySession();
            var events = (await session.Events.FetchStreamAsync(report.ReportId)).Select(e => e.Data).ToList();
            Assert.Single(events.OfType<AttachmentAccessed>());
            Assert.Single(events.OfType<SharedWithVendor>());
        }
        finally
        {
            await ExecuteAsync("drop trigger test_hold_access on mt_events; drop function test_hold_access();");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(intake.Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_reporters_identity_is_revealed_only_on_a_request_with_a_reason_and_the_reveal_is_recorded()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var url = $"/api/staff/reports/{report.TrackingNumber}/reveal";
        var coordinator = intake.Tokens.Person(_analyst, "coordinator");

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, url, coordinator, JsonContent.Create(new { reason = "" }))).StatusCode);
        var revealed = await SendAsync(HttpMethod.Post, url, coordinator, JsonContent.Create(new { reason = "The vendor needs to credit the finder." }));
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        Assert.Equal(Reports.ReporterEmail, (await revealed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
        Assert.Equal("no-store", revealed.Headers.CacheControl?.ToString());

        await using var session = intake.Store.QuerySession();
        var reveal = Assert.Single((await session.Events.FetchStreamAsync(report.ReportId)).Select(e => e.Data).OfType<ReporterIdentityRevealed>());
        Assert.Equal("The vendor needs to credit the finder.", reveal.Reason);

        var anonymous = await intake.SubmitAsync(Reports.Valid(anonymous: true));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, $"/api/staff/reports/{anonymous.TrackingNumber}/reveal", coordinator,
            JsonContent.Create(new { reason = "Curious." }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, url, intake.Tokens.Person(Guid.NewGuid(), "vendor"),
            JsonContent.Create(new { reason = "I want to know." }))).StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token, HttpContent? content = null) =>
        intake.Client.SendAsync(Requests.Bearer(method, url, token, content));
}
