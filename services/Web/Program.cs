using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebClient();

var app = builder.Build();

app.UsePublicOriginRequests();
app.UseWebClient();
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
