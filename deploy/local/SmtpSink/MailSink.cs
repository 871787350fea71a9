using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace VulnPlatform.SmtpSink;

/// <summary>A message as the sink received it: the envelope and the raw RFC 5322 bytes.</summary>
public sealed record SunkMessage(string From, IReadOnlyList<string> To, byte[] Raw, DateTimeOffset ReceivedAt, string? File);

/// <summary>
/// An SMTP server on loopback (SmtpServer library) that accepts every message and keeps it: in
/// memory, and as an <c>.eml</c> file when given a folder. The development mail sink of <c>make up</c>
/// and the tests' real SMTP server. A recipient whose address starts with <c>refused.</c> is refused
/// the way real servers do it, echoing the address (550 5.1.1), so a refusal can be tried end to end.
/// </summary>
public sealed class MailSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly Store _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _sessions;

    private MailSink(int port, string? folder, IPAddress address)
    {
        Port = port;
        _store = new Store(folder);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("vulnplatform-mail-sink")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(address, port)))
            .MaxMessageSize(25 * 1024 * 1024)
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        services.Add((SmtpServer.Storage.IMailboxFilter)new RefusingFilter());
        services.Add(new NoDelayListeners());
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
        // A connection the sink drops is a message whose outcome the sender cannot know: say why.
        _server.SessionFaulted += (_, e) => Console.Error.WriteLine($"{DateTimeOffset.UtcNow:O} mail sink: a session failed: {e.Exception}");
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyCollection<SunkMessage> Messages => _store.Messages;

    /// <summary>How many SMTP connections clients have opened so far.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    public static MailSink Start(int port, string? folder = null, IPAddress? address = null) => new(port, folder, address ?? IPAddress.Loopback);

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>
    /// Listening sockets with Nagle's algorithm off (accepted connections inherit it on Linux): the
    /// library's replies otherwise wait for the client's delayed ACK, 40 ms per message (measured 44 ms
    /// per message before, see the notification benchmark).
    /// </summary>
    private sealed class NoDelayListeners : SmtpServer.Net.EndpointListenerFactory
    {
        public override SmtpServer.Net.IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new System.Net.Sockets.TcpListener(endpointDefinition.Endpoint);
            listener.Server.NoDelay = true;
            listener.Start();
            // The library keeps this constructor internal; its factory offers no other way to set a socket option.
            return (SmtpServer.Net.IEndpointListener)Activator.CreateInstance(typeof(SmtpServer.Net.EndpointListener),
                System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public,
                null, [listener, (Action)listener.Stop], null)!;
        }
    }

    private sealed class RefusingFilter : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            to.User.StartsWith("refused.", StringComparison.OrdinalIgnoreCase)
                ? throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{to.AsAddress()}>: Recipient address rejected: User unknown"))
                : Task.FromResult(true);
    }

    private sealed class Store(string? folder) : MessageStore
    {
        public ConcurrentQueue<SunkMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var raw = buffer.ToArray();
            string? file = null;
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
                var name = $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid():N}.eml";
                var temporary = Path.Combine(folder, "." + name + ".tmp");
                await File.WriteAllBytesAsync(temporary, raw, cancellationToken);
                file = Path.Combine(folder, name);
                File.Move(temporary, file); // readers never see half a message
            }
            Messages.Enqueue(new SunkMessage(
                transaction.From?.AsAddress() ?? "", transaction.To.Select(t => t.AsAddress()).ToList(), raw, DateTimeOffset.UtcNow, file));
            return SmtpResponse.Ok;
        }
    }
}
