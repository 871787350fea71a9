using VulnPlatform.Disclosure;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDisclosure();

var app = builder.Build();

// `VulnPlatform.Disclosure deploy-topology`: declares the service's queues, bindings and exchanges, then ends.
if (args.FirstOrDefault() == TopologyDeployment.Command)
{
    return await TopologyDeployment.DeployAsync(app.Services);
}

app.UseForwardedHeaders();
app.UseProblemDetailsDefaults();
app.UsePlatformAuthentication();
app.MapDefaultEndpoints();
app.MapDisclosureApi();

app.Run();
return Environment.ExitCode; // 0, or what the service set before it stopped itself (BusStartWatchdog)

public partial class Program;
