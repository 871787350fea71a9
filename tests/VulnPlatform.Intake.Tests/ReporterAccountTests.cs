using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

/// <summary>
/// Reporters with an account: their submissions are linked to it and readable with their token
/// alone; nobody else's token opens them; anonymous submission with the follow-up token still works.
/// </summary>
[Collection(IntakeCollection.Name)]
public sealed class ReporterAccountTests(IntakeFixture intake)
{
    private readonly Guid _alice = Guid.NewGuid();
    private readonly Guid _bob = Guid.NewGuid();

    [Fact]
    public async Task A_signed_in_reporter_reads_and_lists_their_own_reports_without_the_follow_up_token_and_nobody_else_does()
    {
        var alice = intake.Tokens.Person(_alice, "reporter");
        var report = await SubmitAsync(alice);

        var own = await SendAsync(HttpMethod.Get, $"/api/reports/{report.TrackingNumber}", alice);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var byToken = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report));
        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);

        var asBob = await SendAsync(HttpMethod.Get, $"/api/reports/{report.TrackingNumber}", intake.Tokens.Person(_bob, "reporter"));
        var asVendor = await SendAsync(HttpMethod.Get, $"/api/reports/{report.TrackingNumber}", intake.Tokens.Person(Guid.NewGuid(), "vendor"));
        var anonymous = await SendAsync(HttpMethod.Get, $"/api/reports/{report.TrackingNumber}", null);
        Assert.Equal(HttpStatusCode.NotFound, asBob.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asVendor.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        // Bob cannot change it either.
        var bobWithdraws = await SendAsync(HttpMethod.Post, $"/api/reports/{report.TrackingNumber}/withdraw", intake.Tokens.Person(_bob, "reporter"),
            JsonContent.Create(new { reason = "not mine" }));
        Assert.Equal(HttpStatusCode.NotFound, bobWithdraws.StatusCode);

        var list = await (await SendAsync(HttpMethod.Get, "/api/reports?pageSize=10", alice)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(report.TrackingNumber, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("trackingNumber").GetString());
        var bobs = await (await SendAsync(HttpMethod.Get, "/api/reports", intake.Tokens.Person(_bob, "reporter"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, bobs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Listing_needs_a_valid_token_and_a_bad_one_is_refused_even_where_anonymous_callers_are_welcome()
    {
        var tokens = intake.Tokens;
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/api/reports", null)).StatusCode);
        foreach (var bad in new[]
                 {
                     tokens.Expired(_alice, "reporter"), tokens.SignedByAnotherKey(_alice, "reporter"), tokens.Unsigned(_alice, "reporter"),
                     tokens.Tampered(_alice), tokens.OfAnotherAudience(_alice, "reporter"), "not-a-jwt",
                 })
        {
            var list = await SendAsync(HttpMethod.Get, "/api/reports", bad);
            Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
            Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
            // A client whose token went bad does not file an unlinked report by accident.
            var submit = await SendAsync(HttpMethod.Post, "/api/reports", bad, JsonContent.Create(Reports.Valid()));
            Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);
        }
        var page = await SendAsync(HttpMethod.Get, "/api/reports?pageSize=1000", tokens.Person(_alice, "reporter"));
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
    }

    private async Task<SubmitReportResponse> SubmitAsync(string token)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/reports", token, JsonContent.Create(Reports.Valid()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SubmitReportResponse>())!;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token, HttpContent? content = null) =>
        intake.Client.SendAsync(Requests.Bearer(method, url, token, content));
}
