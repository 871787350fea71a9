using VulnPlatform.Identity;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdentityService();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseIdentityPages();
app.MapDefaultEndpoints();
app.MapIdentityEndpoints();

app.Run();

public partial class Program;
