using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.VendorCoordination;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddVendorCoordination();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UsePlatformAuthentication();
app.MapDefaultEndpoints();
app.MapVendorCoordinationApi();

// `VulnPlatform.VendorCoordination deploy-topology` declares the service's queues, bindings and exchanges, then ends.
return await app.RunServiceAsync(args);

public partial class Program;
