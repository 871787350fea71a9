using System.Globalization;
using System.Text;

namespace VulnPlatform.Gateway;

/// <summary>
/// <c>/.well-known/security.txt</c> (RFC 9116): where researchers report vulnerabilities. Contact,
/// policy and acknowledgements come from configuration (section <c>SecurityTxt</c>); Expires is
/// always in the future, as the RFC requires, and Canonical names the configured public address.
/// </summary>
public sealed class SecurityTxtOptions
{
    public const string Section = "SecurityTxt";

    public List<string> Contact { get; set; } = [];
    public string? Policy { get; set; }
    public string? Acknowledgments { get; set; }
    public string PreferredLanguages { get; set; } = "en, zh-CN";
    public int ExpiresInDays { get; set; } = 180;
}

public static class SecurityTxt
{
    public const string Path = "/.well-known/security.txt";

    public static IEndpointConventionBuilder MapSecurityTxt(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (HttpContext context, TimeProvider time, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<SecurityTxtOptions> options) =>
        {
            var settings = options.Value;
            var text = new StringBuilder();
            foreach (var contact in settings.Contact)
            {
                text.Append("Contact: ").Append(contact).Append('\n');
            }
            var expires = time.GetUtcNow().AddDays(Math.Clamp(settings.ExpiresInDays, 1, 365));
            text.Append("Expires: ").Append(expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n');
            if (settings.Policy is { Length: > 0 } policy) text.Append("Policy: ").Append(policy).Append('\n');
            if (settings.Acknowledgments is { Length: > 0 } thanks) text.Append("Acknowledgments: ").Append(thanks).Append('\n');
            text.Append("Preferred-Languages: ").Append(settings.PreferredLanguages).Append('\n');
            // The configured public address: the request's Host header is the client's to choose.
            text.Append("Canonical: ").Append(new Uri(VulnPlatform.ServiceDefaults.Http.PublicOrigin.From(configuration), Path).AbsoluteUri).Append('\n');
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(text.ToString(), "text/plain; charset=utf-8");
        });
}
