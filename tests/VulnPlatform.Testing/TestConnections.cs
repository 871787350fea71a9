using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace VulnPlatform.Testing;

/// <summary>
/// Gives each in-memory request the connection address it would have: the gateway's (loopback, trusted
/// to forward X-Forwarded-For), or the one a test names in <see cref="RemoteAddressHeader"/>, as a
/// client reaching the service directly would have.
/// </summary>
public sealed class TestConnections : IStartupFilter
{
    /// <summary>The header naming the address a test's request comes from (the gateway's, loopback, when absent).</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(RemoteAddressHeader, out var remote)
                ? IPAddress.Parse(remote.ToString())
                : IPAddress.Loopback;
            return following(context);
        });
        next(app);
    };
}
