using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VulnPlatform.Web.Sessions;

namespace VulnPlatform.Web.Gateway;

/// <summary>
/// The platform's APIs, called server to server through the gateway as the person using the page:
/// with the signed-in user's access token, or with the anonymous reporter's follow-up token, both
/// kept in the server-side session; and in the language the page is shown in.
/// </summary>
public sealed class GatewayClient(HttpClient http, IHttpContextAccessor accessor)
{
    public const string FollowUpTokenHeader = "X-Follow-Up-Token";

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("The gateway is called while answering a request.");
        if (await context.GetTokenAsync(WebAuthentication.Session, "access_token") is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        // The browser's address as the gateway told it to us, so the gateway's per-client budgets count
        // each person, not the web client (the gateway trusts this header only from trusted proxies).
        if (context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwarded);
        }
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(CultureInfo.CurrentUICulture.Name is "zh-CN" ? "zh-CN" : "en"));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>A reporter's request about one report: the follow-up token of that report when the session holds one.</summary>
    public async Task<HttpResponseMessage> SendForReportAsync(HttpRequestMessage request, string trackingNumber, CancellationToken cancellationToken = default)
    {
        var context = accessor.HttpContext!;
        if (await FollowUp.TokenForAsync(context, trackingNumber) is { } followUpToken)
        {
            request.Headers.Add(FollowUpTokenHeader, followUpToken);
        }
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// The handler of every call to the gateway (APIs and Identity's back channel): TLS always;
    /// besides publicly trusted certificates, only the one configured (the development gateway's).
    /// </summary>
    public static HttpMessageHandler BackchannelHandler(IOptions<WebOptions> options, Uri publicOrigin) =>
        new ToGateway(publicOrigin, options.Value.GatewayAddress) { InnerHandler = Handler(options) };

    public static SocketsHttpHandler Handler(IOptions<WebOptions> options)
    {
        var trusted = options.Value.GatewayCertificate is { Length: > 0 } path ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : null;
        return new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None
                    || trusted is not null && certificate is not null && GatewayTrust.Accepts(trusted, new X509Certificate2(certificate), errors),
            },
        };
    }

    /// <summary>
    /// Identity's discovery document names its endpoints at the public origin (what browsers use);
    /// server to server the web client reaches them at the gateway's address (a service name in a
    /// cluster): the same path, another authority.
    /// </summary>
    private sealed class ToGateway(Uri publicOrigin, Uri gateway) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && uri.Scheme == publicOrigin.Scheme && uri.Authority == publicOrigin.Authority && gateway.Authority != publicOrigin.Authority)
            {
                request.RequestUri = new UriBuilder(uri) { Scheme = gateway.Scheme, Host = gateway.Host, Port = gateway.Port }.Uri;
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
