using Microsoft.Extensions.Options;
using VulnPlatform.Gateway;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseGatewayEdge();
app.UseProblemDetailsDefaults(answerHeadAsGet: false);
app.UseCors(GatewayModule.CorsPolicy);
app.UsePlatformAuthentication(operatorEndpoints: false);
app.UseRateLimiter();
app.MapDefaultEndpoints();
app.MapSecurityTxt();
app.MapNotForwarded();
app.MapReverseProxy().WithRouteBodyLimits(app.Services.GetRequiredService<IOptions<AttachmentLimits>>().Value);

app.Run();

public partial class Program;
