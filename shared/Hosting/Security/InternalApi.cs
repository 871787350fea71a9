using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// Callers allowed on a service's internal endpoints (configuration <c>InternalApi:Clients:{name}</c>
/// = a random secret of at least 32 characters). Internal endpoints are not routed by the gateway.
/// </summary>
public sealed class InternalApiOptions
{
    public const string Section = "InternalApi";
    public const int MinSecretLength = 32;

    public Dictionary<string, string> Clients { get; set; } = [];
}

public static class InternalApi
{
    public static IHostApplicationBuilder AddInternalApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InternalApiOptions>()
            .Bind(builder.Configuration.GetSection(InternalApiOptions.Section))
            .Validate(o => o.Clients.Values.All(s => s.Length >= InternalApiOptions.MinSecretLength),
                $"InternalApi:Clients secrets must be at least {InternalApiOptions.MinSecretLength} characters.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Only the named client, presenting its secret as a bearer token, reaches the endpoint.</summary>
    public static TBuilder RequireInternalClient<TBuilder>(this TBuilder builder, string client)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<InternalApiOptions>>().Value;
            var presented = context.HttpContext.Request.Headers.Authorization.ToString();
            var expected = options.Clients.TryGetValue(client, out var secret) ? "Bearer " + secret : null;
            if (expected is null || !SameSecret(presented, expected))
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, type: ProblemTypes.Unauthorized,
                    title: "Unauthorized", detail: "This internal endpoint needs the calling service's credentials.");
            }
            return await next(context);
        });

    private static bool SameSecret(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
