using VulnPlatform.Intake;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIntake();

var app = builder.Build();

// `VulnPlatform.Intake rewrap-keys`: an operator command, run with the service's configuration.
if (args.FirstOrDefault() == DataKeyCommands.Rewrap)
{
    return await DataKeyCommands.RewrapAsync(app.Services);
}

app.UseProblemDetailsDefaults();
app.UsePlatformAuthentication();
app.MapDefaultEndpoints();
app.MapIntakeApi();

// `VulnPlatform.Intake deploy-topology` declares the service's queues, bindings and exchanges, then ends.
return await app.RunServiceAsync(args);

public partial class Program;
