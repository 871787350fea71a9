using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>Where services find Identity's keys (configuration section <c>Authentication</c>).</summary>
public sealed class PlatformAuthenticationOptions
{
    public const string Section = "Authentication";

    /// <summary>Identity's key set at its internal address (the issuer's public one goes through the gateway).</summary>
    public string JwksUri { get; set; } = "http://127.0.0.1:5106/.well-known/jwks";

    /// <summary>The issuer tokens must name; the public origin when unset.</summary>
    public string? Issuer { get; set; }
}

/// <summary>The platform's roles and token audiences as the services check them.</summary>
public static class PlatformAccess
{
    /// <summary>The audience of every person's token.</summary>
    public const string UserAudience = "vulnplatform-api";

    public const string Reporter = "reporter";
    public const string Analyst = "analyst";
    public const string Coordinator = "coordinator";
    public const string Vendor = "vendor";
    public const string Admin = "admin";

    /// <summary>Policy: a person signed in (any role).</summary>
    public const string SignedIn = "signed-in";
    /// <summary>Policy: analyst, coordinator or admin.</summary>
    public const string Staff = "staff";
    /// <summary>Policy: an analyst or a coordinator (the people who handle reports and cases).</summary>
    public const string CaseStaff = "case-staff";
    /// <summary>Policy: a coordinator.</summary>
    public const string Coordinators = "coordinators";
    /// <summary>Policy: an admin.</summary>
    public const string Admins = "admins";

    public static string? AccountId(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.HasClaim("aud", UserAudience) ? user.FindFirst("sub")?.Value : null;

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").SelectMany(c => c.Value.Split(' ')).Contains(scope);
}

public static class PlatformAuthentication
{
    /// <summary>
    /// Bearer tokens from Identity, validated by every service itself (so a request reaching a service
    /// directly gets no more than through the gateway): issuer, audience (people's tokens, or tokens
    /// made for <paramref name="serviceAudience"/> by client credentials), lifetime, an RS256
    /// signature by a key in Identity's JWKS (fetched and refreshed from its internal address), and
    /// the access-token type, so an ID token is never accepted in its place.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformAuthentication(this IHostApplicationBuilder builder, string serviceAudience)
    {
        var options = builder.Configuration.GetSection(PlatformAuthenticationOptions.Section).Get<PlatformAuthenticationOptions>()
            ?? new PlatformAuthenticationOptions();
        var issuer = (options.Issuer ?? PublicOrigin.From(builder.Configuration).AbsoluteUri).TrimEnd('/') + "/";

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.MapInboundClaims = false;
            bearer.RequireHttpsMetadata = false; // Identity's internal address; tokens themselves name the HTTPS issuer
            bearer.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.JwksUri, new JwksRetriever(issuer), new HttpDocumentRetriever { RequireHttps = false })
            {
                AutomaticRefreshInterval = TimeSpan.FromHours(1),
                RefreshInterval = TimeSpan.FromSeconds(30), // a key not yet known (rollover) is fetched at most this often
            };
            bearer.Events = new JwtBearerEvents
            {
                // 401 and 403 as problem details like every other refusal.
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Refuse(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", "A valid access token is needed.");
                },
                OnForbidden = context => Refuse(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden",
                    "The access token does not allow this."),
            };
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidAudiences = [PlatformAccess.UserAudience, serviceAudience],
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                ValidTypes = ["at+jwt"],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
                RoleClaimType = "role",
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformAccess.SignedIn, policy => policy.RequireAuthenticatedUser().RequireClaim("aud", PlatformAccess.UserAudience))
            .AddPolicy(PlatformAccess.Staff, policy => policy.RequireClaim("aud", PlatformAccess.UserAudience)
                .RequireRole(PlatformAccess.Analyst, PlatformAccess.Coordinator, PlatformAccess.Admin))
            .AddPolicy(PlatformAccess.CaseStaff, policy => policy.RequireClaim("aud", PlatformAccess.UserAudience)
                .RequireRole(PlatformAccess.Analyst, PlatformAccess.Coordinator))
            .AddPolicy(PlatformAccess.Coordinators, policy => policy.RequireClaim("aud", PlatformAccess.UserAudience).RequireRole(PlatformAccess.Coordinator))
            .AddPolicy(PlatformAccess.Admins, policy => policy.RequireClaim("aud", PlatformAccess.UserAudience).RequireRole(PlatformAccess.Admin));
        return builder;
    }

    /// <summary>
    /// Authentication and authorization, plus one rule: a request that presents a bearer token that
    /// does not validate (expired, forged, for another audience) is refused outright instead of
    /// being served as anonymous, so a client never files an unlinked report by accident. In a
    /// service the operator endpoints under <c>/internal/relay</c> keep their own shared-secret
    /// check (<paramref name="operatorEndpoints"/>); the gateway has none and refuses everywhere.
    /// </summary>
    public static WebApplication UsePlatformAuthentication(this WebApplication app, bool operatorEndpoints = true)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            var presented = context.Request.Headers.Authorization.ToString();
            if (presented.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && context.User.Identity?.IsAuthenticated != true
                && !(operatorEndpoints && context.Request.Path.StartsWithSegments("/internal/relay")))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await Refuse(context, StatusCodes.Status401Unauthorized, "Unauthorized", "The access token is not valid (expired, malformed or not issued for this API).");
                return;
            }
            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    private static Task Refuse(HttpContext context, int status, string title, string detail) =>
        context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>()
            .WriteAsync(context, status, status == 401 ? ProblemTypes.Unauthorized : ProblemTypes.Forbidden, title, detail);

    /// <summary>Identity's JWKS as the configuration JwtBearer needs: the keys, and the issuer the tokens name.</summary>
    private sealed class JwksRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var keys = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer, JwksUri = address, JsonWebKeySet = keys };
            foreach (var key in keys.GetSigningKeys()) configuration.SigningKeys.Add(key);
            return configuration;
        }
    }
}
