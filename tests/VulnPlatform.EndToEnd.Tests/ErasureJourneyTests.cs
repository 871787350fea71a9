using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// Erasure as an auditor checks it, on the whole platform: the reporter's name, address and credit name
/// travelled through every service (consent, acknowledgement, messages, e-mails); after they erase their
/// withdrawn report, a search of every database of the platform — every schema and table: event stores,
/// inboxes, projections, delivery logs, the web client's sessions — finds none of them outside the sealed
/// columns, and no e-mail sent to anyone but the reporter ever held them.
/// </summary>
public sealed class ErasureJourneyTests
{
    [Fact]
    public async Task After_erasure_no_database_of_the_platform_holds_the_reporters_name_address_or_credit()
    {
        using var api = Platform.Client();
        var coordinator = await StaffAccounts.TokenAsync("coordinator");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var name = $"Erin Erasable {suffix}";
        var email = $"erin.{suffix}@example.org";
        var credit = $"Erin Credit {suffix}";
        var submitted = await api.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "Stored XSS in the review form", description = "A review with a script tag runs for every reader.",
            product = new { vendor = "Acme", name = "Shop", version = "4.2" }, thirdParty = false,
            stepsToReproduce = "Post a review with <script>alert(1)</script>.", impact = "Session theft.",
            reporter = new { name, email, language = "en" },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var report = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        var trackingNumber = report.GetProperty("trackingNumber").GetString()!;
        var token = report.GetProperty("followUpToken").GetString()!;

        // Consent with a credit name, an acknowledgement e-mailed to the reporter, a message from them.
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Reporter(HttpMethod.Put, $"/api/reports/{trackingNumber}/consent", token,
            new { shareIdentityWithVendor = true, publicCredit = true, creditName = credit }))).StatusCode);
        await Platform.CaseCommandAsync(trackingNumber, coordinator, "acknowledge", new { message = "Thank you; we reproduced it." });
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(Reporter(HttpMethod.Post, $"/api/reports/{trackingNumber}/messages", token,
            new { text = "The form at /reviews/new; any browser." }))).StatusCode);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Mail.To(email).Any(m => m.Subject?.Contains("acknowledged") == true)),
            TimeSpan.FromSeconds(60)), "the acknowledgement did not reach the reporter");

        // Withdrawn, then erased.
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Reporter(HttpMethod.Post, $"/api/reports/{trackingNumber}/withdraw", token,
            new { reason = "Reported by mistake." }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(Reporter(HttpMethod.Post, $"/api/reports/{trackingNumber}/erase", token, new { }))).StatusCode);

        // Every database of the platform, searched until the erasure has reached every service.
        var found = new List<string>();
        var erased = await Eventually.HoldsAsync(async () =>
        {
            found = await HoldersAsync([name, email, credit]);
            return found.Count == 0;
        }, TimeSpan.FromSeconds(60));
        Assert.True(erased, "still held after the erasure: " + string.Join("; ", found));

        foreach (var message in Mail.All().Where(m => !m.To.Mailboxes.Any(a => a.Address == email)))
        {
            var text = message.ToString();
            Assert.DoesNotContain(email, text);
            Assert.DoesNotContain(name, text);
            Assert.DoesNotContain(credit, text);
        }
    }

    private static HttpRequestMessage Reporter(HttpMethod method, string url, string token, object body)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Follow-Up-Token", token);
        return request;
    }

    /// <summary>"database: text" for every database of this platform (vp_*{suffix}) with a row holding one of <paramref name="texts"/>.</summary>
    private static async Task<List<string>> HoldersAsync(IReadOnlyList<string> texts)
    {
        var server = Environment.GetEnvironmentVariable("VP_TEST_POSTGRES")
            ?? throw new InvalidOperationException("VP_TEST_POSTGRES is not set: run the end-to-end tests with `make test`.");
        var suffix = Environment.GetEnvironmentVariable("VP_TEST_DB_SUFFIX") ?? "_e2e";
        var databases = new List<string>();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var list = new NpgsqlCommand("select datname from pg_database where datname like 'vp\\_%' and right(datname, length(@suffix)) = @suffix", connection);
            list.Parameters.AddWithValue("suffix", suffix);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) databases.Add(reader.GetString(0));
        }
        Assert.True(databases.Count >= 6, $"only {databases.Count} databases of the platform found");
        var holders = new List<string>();
        foreach (var database in databases)
        {
            var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            foreach (var text in texts)
            {
                if (await DatabaseSearch.RowsHoldingAsync(connectionString, text) is > 0 and var rows) holders.Add($"{database}: '{text}' in {rows} row(s)");
            }
        }
        return holders;
    }
}
