using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VulnPlatform.Notification.Channels;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Notification.Templates;
using VulnPlatform.SmtpSink;

namespace VulnPlatform.Notification.Tests;

/// <summary>The e-mail channel against a real SMTP server on loopback.</summary>
public sealed class EmailChannelTests
{
    [Fact]
    public async Task However_many_messages_go_at_once_no_more_connections_than_configured_are_opened()
    {
        var port = NotificationFixture.FreePort();
        await using var sink = MailSink.Start(port);
        await using var channel = new EmailChannel(
            Options.Create(new SmtpOptions { Port = port, Security = MailKit.Security.SecureSocketOptions.None, Connections = 2 }),
            NullLogger<EmailChannel>.Instance);
        var rendered = new RenderedMessage("Your report was received", "Thank you.", "<p>Thank you.</p>");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            channel.SendAsync(channel.Compose(Guid.NewGuid(), $"reporter{i}@example.org", null, rendered), CancellationToken.None))));

        Assert.All(outcomes, outcome => Assert.Same(SendOutcome.Delivered, outcome));
        Assert.Equal(24, sink.Messages.Count);
        Assert.Equal(24, sink.Messages.SelectMany(m => m.To).Distinct().Count());
        Assert.InRange(sink.Sessions, 1, 2);
    }
}
