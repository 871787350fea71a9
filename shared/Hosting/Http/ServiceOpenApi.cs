using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// Each service's OpenAPI document, for the web and mobile clients: at
/// <c>/api/openapi/{service}.json</c> (routed by the gateway), naming the public address (never
/// the service's own) and how to get a token (Identity's OpenID Connect discovery).
/// </summary>
public static class ServiceOpenApi
{
    public static IServiceCollection AddServiceOpenApi(this IServiceCollection services, IConfiguration configuration, string service)
    {
        var origin = PublicOrigin.From(configuration).ToString().TrimEnd('/');
        services.AddOutputCache();
        return services.AddOpenApi(service, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = [new OpenApiServer { Url = origin, Description = "VulnPlatform gateway" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["vulnplatform"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OpenIdConnect,
                OpenIdConnectUrl = new Uri($"{origin}/.well-known/openid-configuration"),
                Description = "Authorization code with PKCE (S256) from Identity; send the access token as a bearer token.",
            };
            return Task.CompletedTask;
        }));
    }

    /// <summary>Built once and served from memory: the document does not change while the service runs.</summary>
    public static void MapServiceOpenApi(this WebApplication app)
    {
        app.UseOutputCache();
        app.MapOpenApi("/api/openapi/{documentName}.json").CacheOutput(policy => policy.Expire(TimeSpan.FromDays(1)));
    }
}
