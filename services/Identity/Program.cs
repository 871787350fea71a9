using VulnPlatform.Identity;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.Identity.Sessions;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdentityService();

var app = builder.Build();

app.UseForwardedHeaders();
app.UsePublicOriginRequests();
app.UseProblemDetailsDefaults();
app.UseIdentityPages();
app.MapDefaultEndpoints();
app.MapIdentityEndpoints();

// `VulnPlatform.Identity deploy-topology` declares the service's queues, bindings and exchanges, then ends.
return await app.RunServiceAsync(args);

public partial class Program;
