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
        if (IsPrivate(address)) return options.Value.AllowPrivateNetworks;
        return IsGlobalUnicast(address);
    }

    private static string Refusal(IPAddress address) =>
        $"The address {address} is in a private, loopback, link-local or reserved range; webhooks may not reach it.";

    private static bool IsPrivate(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? In(a, "10.0.0.0", 8) || In(a, "172.16.0.0", 12) || In(a, "192.168.0.0", 16) || In(a, "100.64.0.0", 10)
        : In(a, "fc00::", 7);

    /// <summary>
    /// Ranges of the IANA IPv4 and IPv6 Special-Purpose Address Registries (and multicast) that are never
    /// a subscriber, whatever the settings — including the ones that carry an IPv4 address inside an IPv6
    /// one (IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo), which could reach an internal host.
    /// </summary>
    private static readonly (string Network, int Prefix)[] SpecialV4 =
    [
        ("0.0.0.0", 8), ("169.254.0.0", 16), ("192.0.0.0", 24), ("192.0.2.0", 24), ("192.88.99.0", 24), ("198.18.0.0", 15),
        ("198.51.100.0", 24), ("203.0.113.0", 24), ("224.0.0.0", 4), ("240.0.0.0", 4),
    ];

    private static readonly (string Network, int Prefix)[] SpecialV6 =
    [
        ("2001::", 23), ("2001:db8::", 32), ("2002::", 16), ("3fff::", 20),
    ];

    /// <summary>IPv4 outside the special ranges; IPv6 only in global unicast (2000::/3) outside them — everything else in IPv6 is special.</summary>
    private static bool IsGlobalUnicast(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork
        ? !SpecialV4.Any(r => In(a, r.Network, r.Prefix))
        : a.AddressFamily == AddressFamily.InterNetworkV6 && In(a, "2000::", 3) && !SpecialV6.Any(r => In(a, r.Network, r.Prefix));

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
