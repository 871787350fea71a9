namespace VulnPlatform.ServiceDefaults.Http;

public sealed class RequestLimitOptions
{
    public const string Section = "RequestLimits";
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Largest request body accepted, in bytes (configuration <c>RequestLimits:MaxBodyBytes</c>).</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}
