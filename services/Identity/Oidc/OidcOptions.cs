namespace VulnPlatform.Identity.Oidc;

/// <summary>The OpenID Connect provider's settings (section <c>Identity</c>).</summary>
public sealed class OidcOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer; the platform's public origin when unset (tokens name the gateway, not this process).</summary>
    public string? Issuer { get; set; }

    /// <summary>RSA keys (PEM); the first signs, all are published in the JWKS so a rollover never breaks a token in flight.</summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    /// <summary>32 random bytes, base64: encrypts authorization codes and refresh tokens (never readable by clients).</summary>
    public string? EncryptionKey { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Clients by client id; see <see cref="ClientKinds"/>.</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new();
}

public sealed class SigningKeyOptions
{
    public string Id { get; set; } = "";
    public string? Pem { get; set; }
    public string? Path { get; set; }
}

public sealed class ClientOptions
{
    public string Kind { get; set; } = ClientKinds.Service;
    public string? DisplayName { get; set; }
    public string? Secret { get; set; }
    public List<string> RedirectUris { get; set; } = [];
    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>For service clients: the scopes it may ask for (client credentials).</summary>
    public List<string> Scopes { get; set; } = [];
}

public static class ClientKinds
{
    /// <summary>A confidential web backend (vulnplatform-web): code + PKCE with a secret, refresh tokens.</summary>
    public const string Web = "web";
    /// <summary>A public app with its own redirect URIs (vulnplatform-mobile): code + PKCE, refresh tokens.</summary>
    public const string Mobile = "mobile";
    /// <summary>A public command-line client (vulnplatform-cli): loopback redirect on any port (RFC 8252 §7.3).</summary>
    public const string Cli = "cli";
    /// <summary>A service or an external system: client credentials only.</summary>
    public const string Service = "service";
}

/// <summary>The scopes the provider knows and the audience (resource) each grants access to.</summary>
public static class ApiScopes
{
    /// <summary>The audience of every user token: the platform's APIs behind the gateway.</summary>
    public const string PlatformAudience = "vulnplatform-api";

    public const string IntakeContactRead = "intake.contact.read";
    public const string IdentityContactRead = "identity.contact.read";
    public const string CoordinationContactRead = "coordination.contact.read";
    /// <summary>Files of a report the coordinator shared with a vendor, fetched by VendorCoordination for that vendor.</summary>
    public const string IntakeAttachmentsRead = "intake.attachments.read";
    public const string DisclosureContactRead = "disclosure.contact.read";

    public static readonly IReadOnlyDictionary<string, string> ServiceScopes = new Dictionary<string, string>
    {
        [IntakeContactRead] = "intake",
        [IntakeAttachmentsRead] = "intake",
        [DisclosureContactRead] = "disclosure",
        [IdentityContactRead] = "identity",
        [CoordinationContactRead] = "vendorcoordination",
    };
}
