using System.Diagnostics.Metrics;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using VulnPlatform.ServiceDefaults.Telemetry;

namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>
/// What operators watch of the relay: <c>vulnplatform.relay.published</c> (messages the broker
/// confirmed), <c>vulnplatform.relay.lag</c> (events appended but not yet past the relay),
/// <c>vulnplatform.relay.dead_letters</c> (events waiting for an operator). Readiness reports
/// Degraded while dead letters wait, while it waits for the platform's queues (<see cref="BrokerTopology"/>),
/// and while the relay stands still with events behind it for longer than <see cref="MessagingOptions.RelayStallAfter"/>;
/// events parked because no queue was bound are counted in its description and <c>vulnplatform.relay.unroutable</c>.
/// </summary>
public sealed class RelayMonitor : BackgroundService, IHealthCheck
{
    public const string PublishedInstrument = "vulnplatform.relay.published";
    public const string LagInstrument = "vulnplatform.relay.lag";
    public const string DeadLettersInstrument = "vulnplatform.relay.dead_letters";
    public const string DeadLetteredInstrument = "vulnplatform.relay.dead_lettered";
    public const string UnroutableInstrument = "vulnplatform.relay.unroutable";

    /// <summary>How often the park is counted (a passive declare on the broker).</summary>
    private const int ParkEveryTicks = 5;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IServiceProvider _services;
    private readonly IOptions<MessagingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RelayMonitor> _logger;
    private readonly Counter<long> _published;
    private readonly Counter<long> _deadLettered;
    private long _lag;
    private long _deadLetters;
    private long _unroutable;
    private volatile string[] _awaitedTopology = [];
    private long _progress = -1;
    private DateTimeOffset _progressSince;

    // The store is resolved when monitoring starts: the relay (built with the store) depends on this monitor.
    public RelayMonitor(NpgsqlDataSource dataSource, IServiceProvider services, IOptions<MessagingOptions> options,
        TimeProvider time, IMeterFactory meters, ILogger<RelayMonitor> logger)
    {
        _dataSource = dataSource;
        _services = services;
        _options = options;
        _time = time;
        _logger = logger;
        _progressSince = time.GetUtcNow();
        var meter = meters.Create(PlatformTelemetry.SourceName);
        _published = meter.CreateCounter<long>(PublishedInstrument, "{message}", "Integration events the broker confirmed");
        _deadLettered = meter.CreateCounter<long>(DeadLetteredInstrument, "{event}", "Events the relay set aside as impossible to publish");
        meter.CreateObservableGauge(LagInstrument, () => Interlocked.Read(ref _lag), "{event}",
            "Events appended to the store that the relay has not yet passed");
        meter.CreateObservableGauge(UnroutableInstrument, () => Interlocked.Read(ref _unroutable), "{message}",
            "Events published while no queue was bound, kept in the service's park ({service}.unroutable)");
        meter.CreateObservableGauge(DeadLettersInstrument, () => Interlocked.Read(ref _deadLetters), "{event}",
            "Dead letters of the relay waiting for an operator to re-publish or discard them");
    }

    public void RecordPublished() => _published.Add(1);

    public void RecordDeadLetter() => _deadLettered.Add(1);

    /// <summary>The platform services whose queues the relay waits for (none once all are declared).</summary>
    public void RecordAwaitedTopology(IReadOnlyList<string> missing) => _awaitedTopology = [.. missing];

    public long Lag => Interlocked.Read(ref _lag);

    public long Unroutable => Interlocked.Read(ref _unroutable);

    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    /// <summary>Reads lag and dead letters now (the operator endpoints call it after a change).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var store = _services.GetRequiredService<IDocumentStore>();
        var schema = store.Options.Events.DatabaseSchemaName;
        var sql = $"""
            select coalesce((select max(seq_id) from {schema}.mt_events), 0),
                   coalesce((select last_seq_id from {schema}.mt_event_progression where name = '{IntegrationEventRelay.SubscriptionName}:All'), 0)
            """;
        await using var command = _dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (head, progress) = (reader.GetInt64(0), reader.GetInt64(1));
        Interlocked.Exchange(ref _lag, Math.Max(0, head - progress));
        if (progress != _progress)
        {
            _progress = progress;
            _progressSince = _time.GetUtcNow();
        }

        await using var session = store.QuerySession();
        var deadLetters = await session.Query<DeadLetterEvent>()
            .CountAsync(d => d.ProjectionName == IntegrationEventRelay.SubscriptionName, cancellationToken);
        Interlocked.Exchange(ref _deadLetters, deadLetters);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A service that publishes nothing (Notification) has no relay: nothing to watch.
        if (!Relays) return;
        using var timer = new PeriodicTimer(Interval, _time);
        var tick = 0;
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                _logger.LogDebug(e, "Could not read the relay's progress");
            }
            if (tick++ % ParkEveryTicks == 0) await CountParkAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CountParkAsync(CancellationToken stoppingToken)
    {
        try
        {
            var parked = await _services.GetRequiredService<BrokerTopology>().ParkedAsync(stoppingToken) ?? 0;
            if (parked > Interlocked.Exchange(ref _unroutable, parked))
            {
                _logger.LogError("{Parked} event(s) were published while no queue was bound; they wait in the park {Park}",
                    parked, _services.GetRequiredService<BrokerTopology>().Park);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            _logger.LogDebug(e, "Could not count the park");
        }
    }

    /// <summary>Whether the service has a relay at all (it publishes integration events); read once.</summary>
    private bool Relays => _relays ??= _services.GetRequiredService<IIntegrationEventMap>().ContractTypes.Count > 0;

    private bool? _relays;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!Relays) return Task.FromResult(HealthCheckResult.Healthy("publishes no integration events"));
        var problems = new List<string>();
        if (DeadLetters > 0)
        {
            problems.Add($"{DeadLetters} event(s) could not be published and wait for an operator (/internal/relay/dead-letters)");
        }
        if (_awaitedTopology is { Length: > 0 } awaited)
        {
            problems.Add($"the relay publishes nothing until these services declared their queues: {string.Join(", ", awaited)} (deploy-topology)");
        }
        var still = _time.GetUtcNow() - _progressSince;
        if (Lag > 0 && still > _options.Value.RelayStallAfter)
        {
            problems.Add($"the relay has not advanced for {still.TotalSeconds:F0} s with {Lag} event(s) waiting");
        }
        // Parked events are kept, not lost, and nothing is broken: every platform queue exists before the
        // relay publishes, so a parked event is one of a contract nobody subscribes to (yet). Said, not degraded.
        var parked = Unroutable > 0
            ? $"; {Unroutable} event(s) were published while no queue was bound; they wait in {_services.GetRequiredService<BrokerTopology>().Park}"
            : "";
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"lag {Lag}{parked}")
            : HealthCheckResult.Degraded(string.Join("; ", problems) + parked));
    }
}
