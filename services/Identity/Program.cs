using VulnPlatform.Identity;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.Identity.Sessions;
using VulnPlatform.ServiceDefaults.Http;

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

app.Run();

public partial class Program;
