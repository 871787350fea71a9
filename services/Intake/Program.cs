using VulnPlatform.Intake;
using VulnPlatform.ServiceDefaults;
using VulnPlatform.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIntake();

var app = builder.Build();

app.UseProblemDetailsDefaults();
app.MapDefaultEndpoints();
app.MapIntakeApi();

app.Run();

public partial class Program;
