using VulnPlatform.Notification;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNotification();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UsePlatformAuthentication();
app.MapDefaultEndpoints();
app.MapNotificationApi();

// `VulnPlatform.Notification deploy-topology` declares the service's queues, bindings and exchanges, then ends.
return await app.RunServiceAsync(args);

public partial class Program;
