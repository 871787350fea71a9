using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace VulnPlatform.Testing;

/// <summary>
/// Access tokens shaped as Identity issues them (RS256, <c>typ: at+jwt</c>, issuer, audience,
/// subject, roles, scopes, ten minutes), signed by a key the service under test trusts, and the
/// ways an attacker would bend them: expired, signed by another key, <c>alg: none</c>, payload
/// tampered after signing, made for another audience.
/// </summary>
public sealed class TestTokens(string issuer, RSA? signingKey = null, string keyId = TestTokens.KeyId)
{
    public const string KeyId = "test-key-1";
    private readonly RsaSecurityKey _key = new(signingKey ?? RSA.Create(2048)) { KeyId = keyId };
    private readonly RsaSecurityKey _otherKey = new(RSA.Create(2048)) { KeyId = keyId }; // same kid, wrong key

    public string Issuer => issuer.TrimEnd('/') + "/";

    /// <summary>What JwtBearer gets instead of fetching Identity's JWKS.</summary>
    public IConfigurationManager<OpenIdConnectConfiguration> Configuration()
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(_key);
        return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
    }

    /// <summary>Makes a host under test trust these tokens (its JwtBearer gets this configuration instead of Identity's JWKS).</summary>
    public void TrustedBy(IServiceCollection services) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer => bearer.ConfigurationManager = Configuration());

    public string Person(Guid accountId, params string[] roles) => Person(accountId.ToString(), roles);

    public string Person(string subject, params string[] roles) => Create(Claims(subject, "vulnplatform-api", roles, null), _key, DateTime.UtcNow);

    /// <summary>A person's token with claims beyond roles (a vendor account's <c>vendor_org</c>).</summary>
    public string PersonWith(Guid accountId, IEnumerable<Claim> extra, params string[] roles)
    {
        var claims = Claims(accountId.ToString(), "vulnplatform-api", roles, null);
        claims.AddClaims(extra);
        return Create(claims, _key, DateTime.UtcNow);
    }

    public string Service(string clientId, string audience, string scope) =>
        Create(Claims(clientId, audience, [], scope, clientId), _key, DateTime.UtcNow);

    public string Expired(Guid accountId, params string[] roles) =>
        Create(Claims(accountId.ToString(), "vulnplatform-api", roles, null), _key, DateTime.UtcNow.AddMinutes(-30));

    public string SignedByAnotherKey(Guid accountId, params string[] roles) =>
        Create(Claims(accountId.ToString(), "vulnplatform-api", roles, null), _otherKey, DateTime.UtcNow);

    public string OfAnotherAudience(Guid accountId, params string[] roles) =>
        Create(Claims(accountId.ToString(), "some-other-api", roles, null), _key, DateTime.UtcNow);

    /// <summary>An unsigned token (<c>alg: none</c>) claiming the given roles.</summary>
    public string Unsigned(Guid accountId, params string[] roles)
    {
        var header = Base64Url("""{"alg":"none","typ":"at+jwt"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Base64Url($$"""{"iss":"{{Issuer}}","aud":"vulnplatform-api","sub":"{{accountId}}","role":[{{string.Join(",", roles.Select(r => $"\"{r}\""))}}],"iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""");
        return $"{header}.{payload}.";
    }

    /// <summary>A valid token whose payload was changed after signing (a reporter making itself admin).</summary>
    public string Tampered(Guid accountId)
    {
        var parts = Person(accountId, "reporter").Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"reporter\"", "\"admin\"");
        return $"{parts[0]}.{Base64Url(payload)}.{parts[2]}";
    }

    private static ClaimsIdentity Claims(string subject, string audience, string[] roles, string? scope, string? clientId = null)
    {
        var identity = new ClaimsIdentity();
        identity.AddClaim(new Claim("sub", subject));
        identity.AddClaim(new Claim("aud", audience));
        foreach (var role in roles) identity.AddClaim(new Claim("role", role));
        if (scope is not null) identity.AddClaim(new Claim("scope", scope));
        if (clientId is not null) identity.AddClaim(new Claim("client_id", clientId));
        return identity;
    }

    private string Create(ClaimsIdentity subject, SecurityKey key, DateTime issuedAt) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Subject = subject,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt.AddMinutes(10),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
