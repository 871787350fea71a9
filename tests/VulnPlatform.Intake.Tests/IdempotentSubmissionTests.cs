using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Intake.Reports.Submitting;

namespace VulnPlatform.Intake.Tests;

/// <summary>
/// A client that lost the answer to a submission (a dropped connection, a timeout, an instance that
/// died after committing) sends it again with the same Idempotency-Key and gets the same receipt —
/// one report, one tracking number, the follow-up token that works.
/// </summary>
[Collection(IntakeCollection.Name)]
public sealed class IdempotentSubmissionTests(IntakeFixture intake)
{
    private const string ReportsFiled = "select count(*) from mt_events where type = 'report_filed'";

    [Fact]
    public async Task The_same_submission_sent_again_with_its_key_gets_the_first_receipt_and_files_nothing_new()
    {
        var key = Guid.NewGuid().ToString();
        var request = Reports.Valid();
        var first = await PostAsync(request, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains(SubmissionReplays.ReplayedHeader));
        var receipt = (await first.Content.ReadFromJsonAsync<SubmitReportResponse>())!;
        var before = await intake.StoredAsync();

        var again = await PostAsync(request, key);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues(SubmissionReplays.ReplayedHeader).Single());
        Assert.Equal($"/api/reports/{receipt.TrackingNumber}", again.Headers.Location?.OriginalString);
        var replayed = (await again.Content.ReadFromJsonAsync<SubmitReportResponse>())!;
        Assert.Equal(receipt.TrackingNumber, replayed.TrackingNumber);
        Assert.Equal(receipt.ReportId, replayed.ReportId);
        Assert.Equal(receipt.FollowUpToken, replayed.FollowUpToken);
        Assert.Equal(receipt.ReceivedAt, replayed.ReceivedAt);
        Assert.Equal(before, await intake.StoredAsync());
        // The token given again opens the report.
        Assert.Equal(HttpStatusCode.OK, (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, replayed))).StatusCode);
    }

    [Fact]
    public async Task Eight_copies_sent_at_once_file_one_report_and_all_get_its_receipt()
    {
        var key = Guid.NewGuid().ToString("N");
        var request = Reports.Valid();
        var before = await intake.CountAsync(ReportsFiled);
        using var start = new SemaphoreSlim(0);
        var copies = Enumerable.Range(0, 8).Select(async _ =>
        {
            await start.WaitAsync();
            var response = await PostAsync(request, key);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<SubmitReportResponse>())!;
        }).ToList();
        start.Release(8);
        var receipts = await Task.WhenAll(copies);

        Assert.Single(receipts.Select(r => r.TrackingNumber).Distinct());
        Assert.Single(receipts.Select(r => r.FollowUpToken).Distinct());
        Assert.Equal(before + 1, await intake.CountAsync(ReportsFiled));
    }

    [Fact]
    public async Task A_key_sent_with_another_report_is_refused_and_files_nothing()
    {
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Reports.Valid(), key)).StatusCode);
        var before = await intake.StoredAsync();

        var other = await PostAsync(Reports.With("title", "A different vulnerability altogether"), key);

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var problem = await other.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(SubmissionReplays.KeyReused, problem.GetProperty("type").GetString());
        Assert.DoesNotContain("followUpToken", await other.Content.ReadAsStringAsync());
        Assert.Equal(before, await intake.StoredAsync());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it, which are not allowed")]
    [InlineData("<script>alert(1)</script>-padding")]
    public async Task A_malformed_key_is_refused_with_a_problem_and_files_nothing(string key)
    {
        var before = await intake.StoredAsync();
        var response = await PostAsync(Reports.Valid(), key);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await intake.StoredAsync());
    }

    [Fact]
    public async Task After_the_report_is_erased_a_replay_gives_no_token_back()
    {
        var key = Guid.NewGuid().ToString();
        var request = Reports.Valid();
        var receipt = (await (await PostAsync(request, key)).Content.ReadFromJsonAsync<SubmitReportResponse>())!;
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, receipt, "/withdraw", JsonContent.Create(new { reason = "Sent by mistake." })));
        Assert.Equal(HttpStatusCode.OK, (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, receipt, "/erase"))).StatusCode);

        var replay = await PostAsync(request, key);

        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.DoesNotContain(receipt.FollowUpToken, await replay.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> PostAsync(object request, string key)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(request) };
        message.Headers.TryAddWithoutValidation(SubmissionReplays.Header, key);
        return intake.Client.SendAsync(message);
    }
}
