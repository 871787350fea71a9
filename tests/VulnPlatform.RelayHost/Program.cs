using Microsoft.Extensions.Hosting;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;

// Settings come from the environment (ConnectionStrings__Marten, RabbitMq__*, Marten__DaemonMode).
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddMartenDefaults(options => options.Events.AddEventType<StepRecorded>())
    .AddIntegrationMessaging<StepMap>(builder, "relay-host");

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine(RelayHostProgram.ReadyLine);
await host.WaitForShutdownAsync();
