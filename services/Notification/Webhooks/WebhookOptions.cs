namespace VulnPlatform.Notification.Webhooks;

/// <summary>Section <c>Notification:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Notification:Webhooks";

    /// <summary>Development only: <c>http://</c> to loopback addresses (127.0.0.0/8, ::1, localhost).</summary>
    public bool AllowLoopback { get; set; }
    /// <summary>Subscribers inside private networks (10/8, 172.16/12, 192.168/16, fc00::/7…): off, so no webhook reaches the internal network.</summary>
    public bool AllowPrivateNetworks { get; set; }
    /// <summary>A subscriber is disabled after this many failed attempts in a row.</summary>
    public int DisableAfterConsecutiveFailures { get; set; } = 15;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
