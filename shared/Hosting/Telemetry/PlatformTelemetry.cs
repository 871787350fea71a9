using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VulnPlatform.ServiceDefaults.Telemetry;

public static class PlatformTelemetry
{
    /// <summary>The activity source of the platform's own spans (relay, consumers).</summary>
    public const string SourceName = "VulnPlatform";
    public static readonly ActivitySource Source = new(SourceName);

    // Sources of the libraries every service uses; each emits only when someone listens.
    private static readonly string[] LibrarySources = ["MassTransit", "Marten", "Npgsql", "Yarp.ReverseProxy"];

    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Marten", "Npgsql", SourceName))
            .WithTracing(tracing => tracing
                .AddSource(SourceName)
                .AddSource(LibrarySources)
                .AddAspNetCoreInstrumentation(options => options.Filter = IsNotHealthProbe)
                .AddHttpClientInstrumentation());

        // The standard variable switches the exporter on; without it nothing leaves the process.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    private static bool IsNotHealthProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health");
}
