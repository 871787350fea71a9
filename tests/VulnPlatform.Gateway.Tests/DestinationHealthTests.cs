using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using VulnPlatform.Testing;

namespace VulnPlatform.Gateway.Tests;

/// <summary>
/// With several instances of a service (VP_REPLICAS, a Kubernetes Service's endpoints) the gateway
/// probes each one's readiness: one that stops being ready leaves the rotation within seconds and
/// comes back when it is ready again; requests keep succeeding meanwhile.
/// </summary>
public sealed class DestinationHealthTests : IAsyncLifetime
{
    private EchoBackend _first = null!;
    private EchoBackend _second = null!;
    private WebApplicationFactory<Program> _gateway = null!;

    public async Task InitializeAsync()
    {
        _first = await EchoBackend.StartAsync();
        _second = await EchoBackend.StartAsync();
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ReverseProxy:Clusters:intake:Destinations:intake-1:Address", _first.Address);
            host.UseSetting("ReverseProxy:Clusters:intake:Destinations:intake-2:Address", _second.Address);
            host.UseSetting("Gateway:RateLimits:ReporterReadsPerMinute", "100000");
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task An_instance_that_stops_being_ready_leaves_the_rotation_and_comes_back_when_ready()
    {
        var client = _gateway.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        async Task<(int First, int Second)> SpreadAsync(int requests)
        {
            var (first, second) = (_first.Requests.Count, _second.Requests.Count);
            for (var i = 0; i < requests; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/reports/VR-2026-000001?n={i}")).StatusCode);
            }
            return (_first.Requests.Count - first, _second.Requests.Count - second);
        }

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_first.Probes > 0 && _second.Probes > 0), TimeSpan.FromSeconds(10)), "the gateway probed nothing");
        var both = await SpreadAsync(40);
        Assert.True(both.First > 0 && both.Second > 0, $"the load was not balanced: {both}");

        _second.Ready = false;
        Assert.True(await Eventually.HoldsAsync(async () => (await SpreadAsync(20)).Second == 0, TimeSpan.FromSeconds(15)),
            "an instance that is not ready still gets requests");

        _second.Ready = true;
        Assert.True(await Eventually.HoldsAsync(async () => (await SpreadAsync(20)).Second > 0, TimeSpan.FromSeconds(15)),
            "the instance did not come back into the rotation");
    }
}
