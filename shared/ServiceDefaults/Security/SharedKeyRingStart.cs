using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.ServiceDefaults.Security;

/// <summary>
/// Gives a data protection key ring that a service's instances share in PostgreSQL its default key
/// before any instance serves a request. Without it, instances started together on an empty key ring
/// each create their own key at first use, and a cookie or antiforgery token one of them issues cannot
/// be read by the other until the key rings are next refreshed (up to a day): a sign-in form served by
/// one instance and posted to the other fails. Here the first instance creates the key under a
/// database lock; the others wait for the lock and find it.
/// </summary>
public sealed class SharedKeyRingStart(IKeyManager keys, IConfiguration configuration, TimeProvider time, ILogger<SharedKeyRingStart> logger) : IHostedService
{
    /// <summary>A key expiring sooner than this is replaced now, as the key ring itself would at first use.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromDays(2);
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(configuration.GetConnectionString(MartenDefaults.ConnectionStringName));
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('data-protection-key-ring', 7))", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        var now = time.GetUtcNow();
        // The key manager reads and writes synchronously; this runs once, before the instance serves.
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now + Propagation))
        {
            var key = keys.CreateNewKey(now, now + Lifetime);
            logger.LogInformation("Created data protection key {KeyId}, shared by every instance", key.KeyId);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class SharedKeyRingRegistration
{
    /// <summary>
    /// Runs <see cref="SharedKeyRingStart"/> at <paramref name="position"/> among the hosted services:
    /// after whatever creates the key ring's table, before anything that protects data.
    /// </summary>
    public static IServiceCollection AddSharedKeyRingStart(this IServiceCollection services, int position = 0)
    {
        services.Insert(position, ServiceDescriptor.Singleton<IHostedService, SharedKeyRingStart>());
        return services;
    }
}
