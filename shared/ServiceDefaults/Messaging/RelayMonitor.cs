using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// What operators watch of the relay: <c>vulnplatform.relay.published</c> (messages the broker
/// confirmed) and <c>vulnplatform.relay.lag</c> (events appended but not yet past the relay). A lag
/// that grows is a broker outage or a stuck relay; it falls back to zero when publication resumes.
/// </summary>
public sealed class RelayMonitor : BackgroundService
{
    public const string PublishedInstrument = "vulnplatform.relay.published";
    public const string LagInstrument = "vulnplatform.relay.lag";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IServiceProvider _services;
    private readonly ILogger<RelayMonitor> _logger;
    private readonly Counter<long> _published;
    private long _lag;

    // The store is resolved when monitoring starts: the relay (built with the store) depends on this monitor.
    public RelayMonitor(NpgsqlDataSource dataSource, IServiceProvider services, IMeterFactory meters, ILogger<RelayMonitor> logger)
    {
        _dataSource = dataSource;
        _services = services;
        _logger = logger;
        var meter = meters.Create(PlatformTelemetry.SourceName);
        _published = meter.CreateCounter<long>(PublishedInstrument, "{message}", "Integration events the broker confirmed");
        meter.CreateObservableGauge(LagInstrument, () => Interlocked.Read(ref _lag), "{event}",
            "Events appended to the store that the relay has not yet passed");
    }

    public void RecordPublished() => _published.Add(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schema = _services.GetRequiredService<IDocumentStore>().Options.Events.DatabaseSchemaName;
        var sql = $"""
            select coalesce((select max(seq_id) from {schema}.mt_events), 0)
                 - coalesce((select last_seq_id from {schema}.mt_event_progression where name = '{IntegrationEventRelay.SubscriptionName}:All'), 0)
            """;
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var command = _dataSource.CreateCommand(sql);
                Interlocked.Exchange(ref _lag, Math.Max(0, (long)(await command.ExecuteScalarAsync(stoppingToken))!));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                _logger.LogDebug(e, "Could not read the relay's progress");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
