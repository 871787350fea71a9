using Microsoft.Extensions.Configuration;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// The platform's public address (configuration <c>PublicOrigin</c>, e.g. <c>https://cvd.example.org</c>):
/// what links, redirects, <c>security.txt</c> and API descriptions name. Never taken from a request's
/// <c>Host</c> header, which the client chooses.
/// </summary>
public static class PublicOrigin
{
    public const string Key = "PublicOrigin";
    public const string Default = "https://localhost:8443";

    public static Uri From(IConfiguration configuration)
    {
        var value = configuration[Key] ?? Default;
        return Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var origin) && origin.Scheme == Uri.UriSchemeHttps
            ? origin
            : throw new InvalidOperationException($"{Key} must be an absolute https:// address; it is '{value}'.");
    }
}
