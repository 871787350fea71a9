using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.Triage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTriage();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UsePlatformAuthentication();
app.MapDefaultEndpoints();
app.MapTriageApi();

app.Run();

public partial class Program;
