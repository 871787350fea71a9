using Microsoft.OpenApi;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake;

public static class IntakeHttp
{
    /// <summary>
    /// Every reporter response carries a follow-up token or personal data, or tells whether a report
    /// exists: no browser, proxy or app cache may keep it.
    /// </summary>
    public static RouteGroupBuilder WithPersonalDataResponses(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });

    /// <summary>The reporter API's description names the public address, never this service's own.</summary>
    public static IServiceCollection AddIntakeOpenApi(this IServiceCollection services, IConfiguration configuration)
    {
        var origin = PublicOrigin.From(configuration).ToString().TrimEnd('/');
        services.AddOutputCache();
        return services.AddOpenApi("intake", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = [new OpenApiServer { Url = origin, Description = "VulnPlatform gateway" }];
            return Task.CompletedTask;
        }));
    }

    /// <summary>Built once and served from memory: the document does not change while the service runs.</summary>
    public static void MapIntakeOpenApi(this WebApplication app)
    {
        app.UseOutputCache();
        app.MapOpenApi("/api/openapi/{documentName}.json").CacheOutput(policy => policy.Expire(TimeSpan.FromDays(1)));
    }
}
