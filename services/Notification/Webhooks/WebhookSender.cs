using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification.Webhooks;

/// <summary>
/// Posts a delivery to a subscriber, signed (Standard Webhooks); the delivery's id is the
/// <c>webhook-id</c>, the same on every retry, so the subscriber can drop a repeat. Connections go only
/// to addresses the <see cref="WebhookUrlGuard"/> allows, checked when connecting; redirects are not followed.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, SealedBox box, TimeProvider time)
{
    public const string ClientName = "webhooks";

    public static void AddClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName, (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var guard = sp.GetRequiredService<WebhookUrlGuard>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    ConnectCallback = async (context, ct) =>
                    {
                        var (addresses, problem) = await guard.ResolveAsync(context.DnsEndPoint.Host, ct);
                        if (problem is not null) throw new WebhookRefusedException(problem);
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
            });

    public async Task<SendOutcome> SendAsync(WebhookSubscription subscription, Delivery delivery, CancellationToken cancellationToken)
    {
        var body = delivery.Values.GetValueOrDefault("payload") ?? "{}";
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var id = $"msg_{delivery.Id:N}";
        var key = box.Open(subscription.Secret, Encoding.UTF8.GetBytes($"webhook-secret:{subscription.Id:N}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(WebhookSignature.KeyOf(Encoding.UTF8.GetString(key)), id, timestamp, body));
        request.Headers.UserAgent.ParseAdd("VulnPlatform-Webhooks/1.0");
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? SendOutcome.Delivered
                : SendOutcome.Retry($"The subscriber answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookRefusedException refused)
        {
            return SendOutcome.Permanent(refused.Message);
        }
        catch (HttpRequestException e)
        {
            return SendOutcome.Retry($"The subscriber could not be reached ({e.HttpRequestError}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Retry("The subscriber did not answer in time.");
        }
    }

    public static byte[] SecretAssociatedData(Guid subscriptionId) => Encoding.UTF8.GetBytes($"webhook-secret:{subscriptionId:N}");
}

public sealed class WebhookRefusedException(string message) : Exception(message);
