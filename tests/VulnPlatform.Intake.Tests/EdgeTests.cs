using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class EdgeTests(IntakeFixture intake)
{
    [Theory]
    [InlineData("application/json; charset=bogus-42")]
    [InlineData("application/json; charset=utf-7")]
    public async Task A_json_body_in_another_charset_gets_415_and_changes_nothing(string contentType)
    {
        var before = await intake.CountEventsAsync();
        var content = new StringContent("""{"title":"x"}""", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var response = await intake.Client.PostAsync("/api/reports", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(before, await intake.CountEventsAsync());
    }

    [Fact]
    public async Task A_file_name_in_utf7_is_a_400_not_a_500()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent("x"u8.ToArray());
        part.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=\"files\"; filename*=utf-7''+AGEAYgBj-.txt");
        content.Add(part);

        var response = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments", content));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Responses_with_tokens_or_personal_data_are_never_cached_and_name_no_server()
    {
        var created = await intake.Client.PostAsJsonAsync("/api/reports", Reports.Valid());
        var report = (await created.Content.ReadFromJsonAsync<VulnPlatform.Intake.Reports.Submitting.SubmitReportResponse>())!;
        var status = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report));

        foreach (var response in new[] { created, status })
        {
            Assert.True(response.Headers.CacheControl?.NoStore);
            Assert.False(response.Headers.Contains("Server"));
        }
    }

    [Fact]
    public async Task Head_is_answered_like_get_without_a_body()
    {
        var report = await intake.SubmitAsync(Reports.Valid());

        var response = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Head, report));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_api_description_names_the_public_address_not_the_service()
    {
        var document = await intake.Client.GetStringAsync("/api/openapi/intake.json");

        Assert.Contains("https://localhost:8443", document);
        Assert.DoesNotContain("127.0.0.1", document);
        Assert.Contains("/api/reports/{trackingNumber}/erase", document);
    }
}
