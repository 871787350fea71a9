namespace VulnPlatform.Web;

/// <summary>The web client's settings (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Where the web client reaches the platform's APIs: the gateway (server to server, never the browser).</summary>
    public Uri GatewayAddress { get; set; } = new("https://localhost:8443/");

    /// <summary>A PEM certificate the gateway may present besides publicly trusted ones (the self-signed development certificate).</summary>
    public string? GatewayCertificate { get; set; }

    /// <summary>Identity's discovery document, fetched server to server; the issuer in it is the platform's public origin.</summary>
    public Uri? MetadataAddress { get; set; }

    public string ClientId { get; set; } = "vulnplatform-web";
    public string? ClientSecret { get; set; }

    /// <summary>How long a signed-in session lasts at most, refreshed tokens or not.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long before the access token expires the session refreshes it (once per session, whatever the number of requests and instances).</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The organisation's own time zone (IANA), shown beside UTC wherever an instant is scheduled.</summary>
    public string OrganisationTimeZone { get; set; } = "UTC";

    /// <summary>How long an anonymous reporter's follow-up session (tracking number and token, kept on the server) lasts.</summary>
    public TimeSpan FollowUpLifetime { get; set; } = TimeSpan.FromHours(2);
}
