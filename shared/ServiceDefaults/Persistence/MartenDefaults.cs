using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Weasel.Core;
using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.ServiceDefaults.Persistence;

public static class MartenDefaults
{
    /// <summary>The connection string name of a service's own database.</summary>
    public const string ConnectionStringName = "Marten";

    /// <summary>
    /// Marten on the service's own database: System.Text.Json, event metadata (headers carry the
    /// trace context of the request that appended an event), LISTEN/NOTIFY so the async daemon
    /// reacts to appends at once, and sessions that stamp the current trace on what they append.
    /// </summary>
    /// <summary>A refused expected version (<c>If-Match</c>, a concurrent append) answers 409, not 500.</summary>
    public static IServiceCollection AddEventStoreConflicts(this IServiceCollection services) =>
        services.Configure<ConflictExceptions>(conflicts => conflicts.Types.Add(typeof(ConcurrencyException)));

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddMartenDefaults(
        this IHostApplicationBuilder builder, Action<StoreOptions> configure)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set; give the service its own PostgreSQL database.");

        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddEventStoreConflicts();
        builder.Services.AddHealthChecks().AddNpgSql(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            name: "postgresql",
            tags: [ServiceDefaultsExtensions.ReadyTag]);

        var daemonMode = builder.Configuration.GetValue("Marten:DaemonMode", DaemonMode.HotCold);

        var notifyInterval = builder.Configuration.GetValue("Marten:NotifyInterval", EventAppendNotifier.DefaultInterval);
        builder.Services.AddSingleton(sp => new EventAppendNotifier(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<EventAppendNotifier>>(), notifyInterval));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventAppendNotifier>());

        return builder.Services.AddMarten(services =>
            {
                var options = new StoreOptions();
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.Events.MetadataConfig.CorrelationIdEnabled = true;
                // Quick appends let PostgreSQL assign versions and sequences in one round trip;
                // optimistic checks still hold through FetchForWriting and expected versions.
                options.Events.AppendMode = EventAppendMode.Quick;
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;

                // LISTEN/NOTIFY wakes the daemon (and so the relay) as soon as events are appended;
                // the NOTIFY is sent after commit by EventAppendNotifier, not inside each append.
                options.Events.UseListenNotifyForEventAppends = false;
                options.Projections.Wakeup = new PostgresqlListenWakeup(
                    services.GetRequiredService<NpgsqlDataSource>(),
                    services.GetRequiredService<ILogger<PostgresqlListenWakeup>>());
                options.Listeners.Add(services.GetRequiredService<EventAppendNotifier>());

                configure(options);
                return options;
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .BuildSessionsWith<TraceStampingSessionFactory>()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(daemonMode);
    }
}
