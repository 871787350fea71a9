using VulnPlatform.Gateway;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.UseGatewayTransportSecurity();
app.MapDefaultEndpoints();
app.MapSecurityTxt();
app.MapReverseProxy().WithRouteBodyLimits();

app.Run();

public partial class Program;
