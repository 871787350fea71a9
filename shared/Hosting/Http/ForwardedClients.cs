using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>Who the client is, as far as a service behind proxies can tell.</summary>
public static class ForwardedClients
{
    /// <summary>
    /// Takes the client's address from X-Forwarded-For only when the request comes from a proxy trusted
    /// here: loopback always, and the addresses or networks listed in <paramref name="section"/>
    /// (10.1.2.3, or 10.244.0.0/16 for the pods of a cluster, whose addresses change); at most
    /// <paramref name="forwardLimit"/> hops. From anyone else the header is ignored, so a client cannot
    /// choose the address it is counted under.
    /// </summary>
    public static IServiceCollection TrustForwardedFor(this IServiceCollection services, IConfiguration configuration, string section, int forwardLimit)
    {
        var trusted = configuration.GetSection(section).Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            options.ForwardLimit = forwardLimit;
            foreach (var entry in trusted)
            {
                if (entry.Contains('/')) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                else options.KnownProxies.Add(IPAddress.Parse(entry));
            }
        });
        return services;
    }

    /// <summary>
    /// The network a client is counted under: an IPv4 address whole, an IPv6 address by its /64 (what one
    /// subscriber gets: counting single IPv6 addresses would let one client take as many as it likes).
    /// </summary>
    public static string Network(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
