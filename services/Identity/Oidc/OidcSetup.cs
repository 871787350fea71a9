using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VulnPlatform.Identity.Oidc;

public static class OidcSetup
{
    /// <summary>
    /// OpenIddict as the platform's OpenID Connect provider: authorization code + PKCE (S256 only),
    /// refresh tokens that rotate (a spent one presented again revokes its whole family: no reuse
    /// leeway), client credentials; signed JWT access tokens (not encrypted: every service validates
    /// them against the JWKS) of at most 10 minutes; keys from configuration.
    /// </summary>
    public static IHostApplicationBuilder AddOidcProvider(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(OidcOptions.Section);
        builder.Services.Configure<OidcOptions>(section);
        var options = section.Get<OidcOptions>() ?? new OidcOptions();
        var issuer = new Uri((options.Issuer ?? PublicOrigin.From(builder.Configuration).AbsoluteUri).TrimEnd('/') + "/");
        var connectionString = builder.Configuration.GetConnectionString(MartenDefaults.ConnectionStringName);

        // First of all hosted services: the tables exist before data protection or the clients need them.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, OidcSchema>());
        builder.Services.AddSharedKeyRingStart(position: 1);
        builder.Services.AddDbContext<OidcStore>(db =>
        {
            db.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations", OidcStore.Schema));
            db.UseOpenIddict();
        });
        // Cookies and antiforgery tokens stay valid across instances and restarts.
        builder.Services.AddDataProtection().SetApplicationName("vulnplatform-identity").PersistKeysToDbContext<OidcStore>();

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<OidcStore>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks");

                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                server.RequireProofKeyForCodeExchange();
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess, .. ApiScopes.ServiceScopes.Keys]);

                server.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime)
                    .SetIdentityTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenReuseLeeway(null);
                server.DisableAccessTokenEncryption();

                foreach (var key in SigningKeys(options, builder.Environment.ContentRootPath)) server.AddSigningKey(key);
                server.AddEncryptionKey(EncryptionKey(options));

                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    // Identity sits behind the gateway, which terminates TLS; the issuer is HTTPS.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(ApiScopes.PlatformAudience, "identity");
                validation.UseAspNetCore();
            });

        builder.Services.AddHostedService<ClientRegistrations>();
        return builder;
    }

    private static IEnumerable<SecurityKey> SigningKeys(OidcOptions options, string root)
    {
        if (options.SigningKeys.Count == 0)
        {
            throw new InvalidOperationException(
                "Identity:SigningKeys is empty: give Identity an RSA signing key (PEM) — `make up` generates one under .run/keys.");
        }
        foreach (var key in options.SigningKeys)
        {
            var pem = key.Pem ?? (key.Path is { } path ? File.ReadAllText(Path.Combine(root, path)) : null)
                ?? throw new InvalidOperationException($"Signing key '{key.Id}' has neither Pem nor Path.");
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < 2048) throw new InvalidOperationException($"Signing key '{key.Id}' is shorter than 2048 bits.");
            yield return new RsaSecurityKey(rsa) { KeyId = key.Id };
        }
    }

    private static SecurityKey EncryptionKey(OidcOptions options)
    {
        var bytes = options.EncryptionKey is { } text ? Convert.FromBase64String(text) : [];
        if (bytes.Length != 32)
        {
            throw new InvalidOperationException("Identity:EncryptionKey must be 32 random bytes, base64 — `make up` generates one under .run/keys.");
        }
        return new SymmetricSecurityKey(bytes);
    }
}
