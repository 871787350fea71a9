using VulnPlatform.Identity;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.Identity.Sessions;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdentityService();

var app = builder.Build();

// `VulnPlatform.Identity deploy-topology`: declares the service's queues, bindings and exchanges, then ends.
if (args.FirstOrDefault() == TopologyDeployment.Command)
{
    return await TopologyDeployment.DeployAsync(app.Services);
}

app.UseForwardedHeaders();
app.UsePublicOriginRequests();
app.UseProblemDetailsDefaults();
app.UseIdentityPages();
app.MapDefaultEndpoints();
app.MapIdentityEndpoints();

app.Run();
return Environment.ExitCode; // 0, or what the service set before it stopped itself (BusStartWatchdog)

public partial class Program;
