using VulnPlatform.Disclosure;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDisclosure();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseProblemDetailsDefaults();
app.UsePlatformAuthentication();
app.MapDefaultEndpoints();
app.MapDisclosureApi();

// `VulnPlatform.Disclosure deploy-topology` declares the service's queues, bindings and exchanges, then ends.
return await app.RunServiceAsync(args);

public partial class Program;
