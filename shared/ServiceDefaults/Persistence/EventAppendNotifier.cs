using System.Threading.Channels;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VulnPlatform.ServiceDefaults.Persistence;

/// <summary>
/// LISTEN/NOTIFY for event appends, without making every append wait for every other.
/// Marten's own option NOTIFYs inside each appending transaction, and PostgreSQL serialises all
/// committing transactions that NOTIFY on one database-wide lock held through the WAL flush: appends
/// then commit one at a time (measured here: about 600-900 submissions/s, commits queued on
/// <c>Lock:object pg_database</c>). This notifier NOTIFYs after the commit instead, from its own
/// connection, coalescing every append that happened meanwhile into one notification; the daemon
/// still LISTENs (Marten's <c>PostgresqlListenWakeup</c>) and wakes within milliseconds.
/// <para>
/// Notifications are at least <c>Marten:NotifyInterval</c> apart (default 50 ms). Each one moves the
/// daemon's high-water mark and so hands the relay a page: at hundreds of commits a second, one per
/// commit made pages of about two events, each costing the relay its fixed round trips, and the relay
/// fell behind (measured: 15,178 pages for 28,763 events). A quiet store still wakes at once.
/// </para>
/// </summary>
public sealed class EventAppendNotifier(NpgsqlDataSource dataSource, ILogger<EventAppendNotifier> logger, TimeSpan interval)
    : BackgroundService, IDocumentSessionListener
{
    public const string Channel = Marten.Events.Daemon.HighWater.PostgresqlListenWakeup.DefaultChannel;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    // One pending signal is enough: a NOTIFY sent after the latest commit covers all before it.
    private readonly Channel<bool> _pending = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetEvents().Any())
        {
            _pending.Writer.TryWrite(true);
        }
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var _ in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand($"select pg_notify('{Channel}', '')");
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The daemon also polls: a lost notification delays the relay, it loses nothing.
                logger.LogDebug(e, "Could not notify {Channel}; the daemon's polling will find the events", Channel);
            }
            // Commits meanwhile leave one pending signal: the next notification covers them all.
            await Task.Delay(interval, stoppingToken);
        }
    }

    public Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token) => Task.CompletedTask;

    public void DocumentLoaded(object id, object document)
    {
    }

    public void DocumentAddedForStorage(object id, object document)
    {
    }
}
