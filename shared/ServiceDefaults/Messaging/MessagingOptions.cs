namespace VulnPlatform.ServiceDefaults.Messaging;

/// <summary>Settings of the relay, the consumers and the inbox (configuration section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>
    /// Events published between two recorded checkpoints: at most this many are published again
    /// after a crash (consumers drop the repeats). Measured: 50 costs ≈2 % of relay throughput.
    /// </summary>
    public int RelayCheckpointEvery { get; set; } = 50;

    /// <summary>
    /// Messages handled at once from the queue of a consumer marked <see cref="IIndependentMessages"/>
    /// (every other queue: one at a time, in order). Measured: Triage opened ≈40 cases/s one at a time.
    /// </summary>
    public int IndependentConcurrency { get; set; } = 8;

    /// <summary>
    /// How long the message bus may take to start (every queue consumed) before the process ends itself
    /// to be started again (<see cref="BusStartWatchdog"/>); zero: wait for ever.
    /// </summary>
    public TimeSpan BusStartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Whether the relay waits, before publishing anything, until every platform service has declared its
    /// queues (<see cref="BrokerTopology"/>'s markers). Off only where a service runs without the others (its tests).
    /// </summary>
    public bool AwaitPlatformTopology { get; set; } = true;

    /// <summary>
    /// How long the bus may stay unhealthy after it started (broker away, or refusing the service's login)
    /// before the process ends itself to be started again (<see cref="BusStartWatchdog"/>); zero: never.
    /// Longer than most broker restarts, after which MassTransit reconnects by itself.
    /// </summary>
    public TimeSpan BusDownLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the bus may stay unhealthy while the broker accepts the service's login again (it came
    /// back) before the process ends itself to be started again; zero: only <see cref="BusDownLimit"/>.
    /// </summary>
    public TimeSpan BusRecoveryGrace { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How long the relay may stand still while events wait before readiness reports it.</summary>
    public TimeSpan RelayStallAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a consumer remembers a message id (longer than any redelivery or replay window).</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Services, besides the platform's own (<see cref="ReplayTopology.PlatformPublishers"/>), whose
    /// operator replays this service's queues accept.
    /// </summary>
    public string[] ReplayFrom { get; set; } = [];

    /// <summary>How often the maintenance job runs (inbox clean-up, orphan sweeps).</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);
}
