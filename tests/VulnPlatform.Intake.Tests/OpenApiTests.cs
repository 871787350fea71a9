using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class OpenApiTests(IntakeFixture intake)
{
    [Fact]
    public async Task The_reporter_api_is_described_for_client_developers_without_internal_endpoints()
    {
        var response = await intake.Client.GetAsync("/api/openapi/intake.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        var described = paths.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/reports", described);
        Assert.Contains("/api/reports/{trackingNumber}/attachments", described);
        Assert.Contains("/api/reports/{trackingNumber}/consent", described);
        Assert.DoesNotContain(described, path => path.StartsWith("/internal", StringComparison.Ordinal));
    }
}
