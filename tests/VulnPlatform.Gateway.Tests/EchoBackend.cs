using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VulnPlatform.Gateway.Tests;

/// <summary>A real HTTP service on loopback standing behind the gateway; it records what reaches it.</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Method, string PathAndQuery, string? TraceParent)> Requests { get; } = new();

    /// <summary>What its readiness probe answers: the gateway's health checks ask it (they are not forwarded requests).</summary>
    public bool Ready { get; set; } = true;

    /// <summary>The readiness report's body, as the platform's services write it (none: the status code alone).</summary>
    public string? Readiness { get; set; }

    private int _probes;

    /// <summary>How often the gateway probed its readiness.</summary>
    public int Probes => Volatile.Read(ref _probes);

    public string Address => _app.Services.GetRequiredService<IServer>().Features
        .Get<IServerAddressesFeature>()!.Addresses.Single();

    public static async Task<EchoBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear(); // not the gateway's appsettings.json beside the tests
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new EchoBackend(app);
        app.Run(async context =>
        {
            if (context.Request.Path == "/health/ready")
            {
                Interlocked.Increment(ref backend._probes);
                context.Response.StatusCode = backend.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                if (backend.Readiness is { } readiness) await context.Response.WriteAsync(readiness);
                return;
            }
            backend.Requests.Enqueue((context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.TraceParent.ToString()));
            await context.Response.WriteAsJsonAsync(new { echoed = context.Request.Path.Value });
        });
        await app.StartAsync();
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
