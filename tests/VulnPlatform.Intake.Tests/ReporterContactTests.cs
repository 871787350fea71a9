using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class ReporterContactTests(IntakeFixture intake)
{
    [Fact]
    public async Task Contact_details_are_encrypted_at_rest_and_shown_back_only_to_the_reporter()
    {
        var report = await intake.SubmitAsync(Reports.Valid());

        var view = await (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report))).Content.ReadFromJsonAsync<JsonElement>();
        var contact = view.GetProperty("contact");
        Assert.Equal(Reports.ReporterName, contact.GetProperty("name").GetString());
        Assert.Equal(Reports.ReporterEmail, contact.GetProperty("email").GetString());
        Assert.Equal("zh-CN", contact.GetProperty("language").GetString());

        // Nowhere in Intake's database, in any table, is the address or the name in plaintext.
        Assert.Equal(0, await CountRowsMentioningAsync(Reports.ReporterEmail));
        Assert.Equal(0, await CountRowsMentioningAsync(Reports.ReporterName));
    }

    [Fact]
    public async Task Notification_reads_a_contact_with_its_token_and_nobody_else_does()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var anonymous = await intake.SubmitAsync(Reports.Valid(anonymous: true));
        var tokens = intake.Tokens;

        var asNotification = await GetContactAsync(report.ReportId, intake.NotificationToken);
        var withoutCredentials = await GetContactAsync(report.ReportId, null);
        var withWrongSecret = await GetContactAsync(report.ReportId, tokens.SignedByAnotherKey(Guid.NewGuid(), "admin"));
        var withFollowUpToken = await GetContactAsync(report.ReportId, report.FollowUpToken);
        var ofAnonymous = await GetContactAsync(anonymous.ReportId, intake.NotificationToken);
        // Valid tokens without the grant: a staff member, another service, the scope without the client.
        var asStaff = await GetContactAsync(report.ReportId, tokens.Person(Guid.NewGuid(), "admin"));
        var asOtherService = await GetContactAsync(report.ReportId, tokens.Service("triage", "intake", "intake.contact.read"));
        var forOtherAudience = await GetContactAsync(report.ReportId, tokens.Service("notification", "identity", "intake.contact.read"));
        Assert.Equal(HttpStatusCode.Forbidden, asStaff.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asOtherService.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forOtherAudience.StatusCode);

        Assert.Equal(HttpStatusCode.OK, asNotification.StatusCode);
        var contact = await asNotification.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Reports.ReporterEmail, contact.GetProperty("email").GetString());
        Assert.Equal("no-store", asNotification.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCredentials.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withFollowUpToken.StatusCode);
        Assert.DoesNotContain(Reports.ReporterEmail, await withWrongSecret.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, ofAnonymous.StatusCode);
    }

    [Fact]
    public async Task A_sealed_contact_moved_to_another_report_cannot_be_opened()
    {
        var victim = await intake.SubmitAsync(Reports.Valid());
        var attacker = await intake.SubmitAsync(Reports.With("reporter", new { email = "attacker@example.org" }));

        // Someone with database access copies the victim's sealed contact onto their own report.
        await using (var connection = new NpgsqlConnection(intake.Database))
        {
            await connection.OpenAsync();
            await using var copy = new NpgsqlCommand(
                "update mt_doc_reportstatusview set data = jsonb_set(data, '{contact}', (select data->'contact' from mt_doc_reportstatusview where id = $1)) where id = $2",
                connection);
            copy.Parameters.AddWithValue(victim.ReportId);
            copy.Parameters.AddWithValue(attacker.ReportId);
            Assert.Equal(1, await copy.ExecuteNonQueryAsync());
        }

        var response = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, attacker));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain(Reports.ReporterEmail, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_log_line_carries_the_reporters_name_or_address()
    {
        // A whole conversation, including refusals, so the error paths log too.
        var report = await intake.SubmitAsync(Reports.Valid());
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/messages", JsonContent.Create(new { text = "more detail" })));
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Put, report, "/consent", JsonContent.Create(new { shareIdentityWithVendor = true, publicCredit = false })));
        await intake.Client.PostAsJsonAsync("/api/reports", Reports.With("reporter", new { name = Reports.ReporterName, email = "not an address" }));
        await GetContactAsync(report.ReportId, intake.NotificationToken);
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/withdraw", JsonContent.Create(new { reason = "done" })));

        Assert.NotEmpty(intake.Logs.Lines);
        Assert.DoesNotContain(intake.Logs.Lines, line => line.Contains(Reports.ReporterEmail, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(intake.Logs.Lines, line => line.Contains(Reports.ReporterName, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(intake.Logs.Lines, line => line.Contains(report.FollowUpToken, StringComparison.Ordinal));
    }

    private Task<HttpResponseMessage> GetContactAsync(Guid reportId, string? secret) =>
        intake.Client.SendAsync(Requests.Bearer(HttpMethod.Get, $"/internal/reports/{reportId}/contact", secret));

    private async Task<long> CountRowsMentioningAsync(string text)
    {
        await using var connection = new NpgsqlConnection(intake.Database);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }

        long total = 0;
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"select count(*) from public.\"{table}\" t where t::text ilike '%' || $1 || '%'", connection);
            count.Parameters.AddWithValue(text);
            total += (long)(await count.ExecuteScalarAsync())!;
        }
        return total;
    }
}
