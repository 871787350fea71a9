using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
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

app.Run();

public partial class Program;
