using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class HealthTests(IntakeFixture intake)
{
    [Fact]
    public async Task Ready_checks_postgresql_and_rabbitmq()
    {
        // A probe asks until the service is ready: the bus connects in the background after start.
        HttpResponseMessage response = null!;
        await Eventually.HoldsAsync(async () =>
        {
            response = await intake.Client.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["postgresql"]);
        Assert.Equal("Healthy", checks["masstransit-bus"]);
    }

    [Fact]
    public async Task Live_answers_without_touching_dependencies()
    {
        var health = await intake.Client.GetFromJsonAsync<JsonElement>("/health/live");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal(["self"], health.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }
}
