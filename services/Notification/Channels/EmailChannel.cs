using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Notification.Templates;

namespace VulnPlatform.Notification.Channels;

/// <summary>Section <c>Notification:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Notification:Smtp";

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 2525;
    /// <summary>None, StartTls, StartTlsWhenAvailable, SslOnConnect or Auto (MailKit's SecureSocketOptions).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string FromAddress { get; set; } = "security@vulnplatform.local";
    public string FromName { get; set; } = "VulnPlatform Security";
    /// <summary>The most connections open to the server at once (messages handed over in parallel); idle ones are kept for reuse.</summary>
    public int Connections { get; set; } = 8;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// E-mail over SMTP with MailKit, on a few kept connections. Each message carries a Message-ID made
/// from its delivery id, so a mail system that sees it twice can tell. A failure before the server
/// took the message (no connection, a refused sender or recipient, a refused message) is safe to
/// retry; a connection lost while the message was being handed over leaves its fate unknown.
/// </summary>
public sealed class EmailChannel(IOptions<SmtpOptions> options, ILogger<EmailChannel> logger) : IAsyncDisposable
{
    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private readonly SemaphoreSlim _connections = new(Math.Max(1, options.Value.Connections));

    public MimeMessage Compose(Guid deliveryId, string to, string? toName, RenderedMessage rendered, string? replyTo = null, IEnumerable<string>? alsoTo = null)
    {
        var settings = options.Value;
        var message = new MimeMessage { Subject = rendered.Subject };
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(new MailboxAddress(MessageTemplates.OneLine(toName ?? ""), to));
        foreach (var other in alsoTo ?? []) message.To.Add(MailboxAddress.Parse(other));
        if (replyTo is not null) message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        var domain = settings.FromAddress.Contains('@') ? settings.FromAddress[(settings.FromAddress.IndexOf('@') + 1)..] : "vulnplatform.local";
        message.MessageId = $"{deliveryId:N}@{domain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody();
        return message;
    }

    /// <param name="handOver">
    /// Called once a connection to the server is ready, right before the message goes over it: records
    /// the hand-over (false: the delivery was taken over elsewhere, and nothing is sent). Connecting
    /// first keeps the span whose outcome could be unknown to the message's own exchange.
    /// </param>
    public async Task<SendOutcome> SendAsync(MimeMessage message, CancellationToken cancellationToken, Func<CancellationToken, Task<bool>>? handOver = null)
    {
        // At most Connections messages are under way, so at most that many connections are ever open.
        await _connections.WaitAsync(cancellationToken);
        try
        {
            return await SendOverPooledConnectionAsync(message, handOver, cancellationToken);
        }
        finally
        {
            _connections.Release();
        }
    }

    private async Task<SendOutcome> SendOverPooledConnectionAsync(MimeMessage message, Func<CancellationToken, Task<bool>>? handOver, CancellationToken cancellationToken)
    {
        SmtpClient client;
        try
        {
            client = await ConnectedAsync(cancellationToken);
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or SmtpCommandException or AuthenticationException or SslHandshakeException or TimeoutException)
        {
            return SendOutcome.Retry($"The mail server could not be reached: {e.Message}");
        }
        bool proceed;
        try
        {
            proceed = handOver is null || await handOver(cancellationToken);
        }
        catch
        {
            _idle.Add(client); // nothing went over it
            throw;
        }
        if (!proceed)
        {
            _idle.Add(client);
            return SendOutcome.Superseded;
        }
        try
        {
            await client.SendAsync(message, cancellationToken);
            _idle.Add(client);
            return SendOutcome.Delivered;
        }
        catch (SmtpCommandException e)
        {
            // The server answered and refused: nothing was delivered. 4xx passes, 5xx does not.
            _idle.Add(client);
            var reason = $"The mail server refused the {(e.ErrorCode switch { SmtpErrorCode.RecipientNotAccepted => "recipient", SmtpErrorCode.SenderNotAccepted => "sender", _ => "message" })}: {(int)e.StatusCode} {e.Message}";
            return (int)e.StatusCode >= 500 ? SendOutcome.Permanent(reason) : SendOutcome.Retry(reason);
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SocketException)
        {
            client.Dispose();
            logger.LogWarning("The SMTP connection broke while sending {MessageId}: {Error}", message.MessageId, e.Message);
            return SendOutcome.Unknown($"The connection to the mail server broke while the message was being handed over ({e.Message}); whether it arrived is unknown.");
        }
        catch
        {
            client.Dispose(); // cancelled mid-exchange (shutting down): the connection's state is unknown, never reused
            throw;
        }
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var pooled))
        {
            if (pooled.IsConnected)
            {
                try
                {
                    await pooled.NoOpAsync(cancellationToken); // a connection the server closed while idle is found here, before any message
                    return pooled;
                }
                catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException)
                {
                }
            }
            pooled.Dispose();
        }
        var settings = options.Value;
        var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            // Our own socket, with Nagle's algorithm off: the message's last small write (".") otherwise waits
            // for the server's delayed ACK, about 40 ms per message.
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(settings.Host, settings.Port, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await client.ConnectAsync(socket, settings.Host, settings.Port, settings.Security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.Username)) await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client))
        {
            try
            {
                if (client.IsConnected) await client.DisconnectAsync(true);
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException)
            {
            }
            client.Dispose();
        }
        _connections.Dispose();
    }
}
