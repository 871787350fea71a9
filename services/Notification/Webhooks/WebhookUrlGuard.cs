using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace VulnPlatform.Notification.Webhooks;

/// <summary>
/// Keeps webhooks out of the internal network: only <c>https://</c> (plain HTTP to loopback in
/// development), no credentials in the URL, and no address that is private, loopback, link-local,
/// multicast or otherwise special — checked on the URL when it is registered and again on every
/// address the name resolves to when a delivery connects (so a name re-pointed later is refused too).
/// </summary>
public sealed class WebhookUrlGuard(IOptions<WebhookOptions> options)
{
    public string? Problem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "The URL is not an absolute URL.";
        if (url.Length > 2048) return "The URL is longer than 2048 characters.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "The URL must not carry credentials.";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "The URL must not have a fragment.";
        var loopbackHost = uri.IsLoopback;
        if (uri.Scheme == Uri.UriSchemeHttps) { }
        else if (uri.Scheme == Uri.UriSchemeHttp && loopbackHost && options.Value.AllowLoopback) { }
        else return options.Value.AllowLoopback ? "Only https:// URLs (or http:// to loopback in development) are accepted." : "Only https:// URLs are accepted.";
        if (IPAddress.TryParse(uri.DnsSafeHost, out var literal) && !Allows(literal)) return Refusal(literal);
        return null;
    }

    /// <summary>Every address <paramref name="host"/> resolves to must be allowed; the first refused one is named.</summary>
    public async Task<(IPAddress[] Addresses, string? Problem)> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException e)
        {
            return ([], $"The host name {host} does not resolve ({e.SocketErrorCode}).");
        }
        if (addresses.Length == 0) return ([], $"The host name {host} does not resolve.");
        foreach (var address in addresses)
        {
            if (!Allows(address)) return ([], Refusal(address));
        }
        return (addresses, null);
    }

    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return options.Value.AllowLoopback;
        if (IsSpecial(address)) return false;
        return !IsPrivate(address) || options.Value.AllowPrivateNetworks;
    }

    private static string Refusal(IPAddress address) =>
        $"The address {address} is in a private, loopback, link-local or reserved range; webhooks may not reach it.";

    private static bool IsPrivate(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? In(a, "10.0.0.0", 8) || In(a, "172.16.0.0", 12) || In(a, "192.168.0.0", 16) || In(a, "100.64.0.0", 10)
        : In(a, "fc00::", 7);

    /// <summary>Never a subscriber, whatever the settings: unspecified, link-local, multicast, broadcast, documentation, benchmarking, reserved, NAT64 and 6to4 prefixes that embed IPv4.</summary>
    private static bool IsSpecial(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? In(a, "0.0.0.0", 8) || In(a, "169.254.0.0", 16) || In(a, "192.0.0.0", 24) || In(a, "192.0.2.0", 24) || In(a, "198.18.0.0", 15)
            || In(a, "198.51.100.0", 24) || In(a, "203.0.113.0", 24) || In(a, "224.0.0.0", 4) || In(a, "240.0.0.0", 4)
        : a.Equals(IPAddress.IPv6None) || a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast || In(a, "fe80::", 10)
            || In(a, "64:ff9b::", 96) || In(a, "64:ff9b:1::", 48) || In(a, "2002::", 16) || In(a, "2001:db8::", 32) || In(a, "::", 96);

    private static bool In(IPAddress address, string network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = IPAddress.Parse(network).GetAddressBytes();
        if (a.Length != n.Length) return false;
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : 0xFF << (8 - prefix) & 0xFF;
            if ((a[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }
}
