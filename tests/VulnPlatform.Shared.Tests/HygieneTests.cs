using System.Net;
using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.Shared.Tests.Relaying;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests.Hygiene;

[Collection(BrokerOutageCollection.Name)]
public sealed class HygieneTests
{
    [Fact]
    public async Task Published_envelopes_name_no_machine_process_or_versions()
    {
        var servers = await TestServers.GetAsync();
        await using var host = await TestHost.StartAsync(servers, "envelope_test", builder =>
            builder.AddMartenDefaults(options => options.Events.AddEventType<StepRecorded>())
                .AddIntegrationMessaging<StepMap>(builder, "envelope-test"));
        await using var subscriber = await RawSubscriber.StartAsync(servers, RelayHostProgram.Exchange);
        var flow = Guid.NewGuid();
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.StartStream(flow, new StepRecorded(flow, 1));
            await session.SaveChangesAsync();
        }

        var received = await subscriber.WaitForAsync(all => all.Any(m => m.Message.GetProperty("flowId").GetGuid() == flow), TimeSpan.FromSeconds(30));
        var envelope = received.Single(m => m.Message.GetProperty("flowId").GetGuid() == flow);
        var raw = envelope.RawJson;
        Assert.DoesNotContain(Environment.MachineName, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Environment.Version.ToString(), raw);
        var sender = envelope.Envelope.GetProperty("host");
        Assert.Equal("vulnplatform", sender.GetProperty("machineName").GetString());
        Assert.Equal(0, sender.GetProperty("processId").GetInt32());
        // Nothing addresses the sending process's own queue either.
        Assert.DoesNotContain(Environment.MachineName, envelope.Envelope.GetProperty("sourceAddress").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_refused_concurrent_change_is_a_409_logged_as_one_line_without_a_stack_trace()
    {
        var logs = new LogCapture();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddServiceDefaults();
        builder.Services.AddEventStoreConflicts(); // as AddMartenDefaults does
        await using var app = builder.Build();
        app.UseProblemDetailsDefaults();
        app.MapPost("/things/{id:guid}", (Guid id) => { throw new ConcurrencyException(typeof(object), id); });
        await app.StartAsync();

        var before = logs.Lines.Count;
        var response = await app.GetTestClient().PostAsync($"/things/{Guid.NewGuid()}", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        var written = logs.Lines.Skip(before)
            .Where(line => !line.Contains(" scope: ") && (line.StartsWith("Warning") || line.StartsWith("Error") || line.StartsWith("Critical") || line.Contains("concurrent")))
            .ToList();
        var line = Assert.Single(written);
        Assert.StartsWith("Information", line);
        Assert.DoesNotContain(" at ", line); // no stack trace
    }
}
