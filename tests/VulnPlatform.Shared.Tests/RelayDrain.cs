using Marten;
using Npgsql;
using VulnPlatform.RelayHost;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.Testing;

namespace VulnPlatform.Shared.Tests;

/// <summary>
/// How a relay test knows that nothing more will arrive, instead of sleeping: once the relay's progress
/// has passed every event of the store, one more event (the marker, a stream of its own) is appended and
/// awaited. A relay publishes slice after slice in sequence order, and a repeat (a slice published again
/// after a failure) comes before the relay moves on — so a repeat of anything before the marker would
/// have arrived before it.
/// </summary>
internal static class RelayDrain
{
    public static async Task DrainAsync(IDocumentStore store, RawSubscriber subscriber)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var caughtUp = await Eventually.HoldsAsync(async () =>
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"""
                select coalesce((select max(seq_id) from {schema}.mt_events), 0)
                     - coalesce((select last_seq_id from {schema}.mt_event_progression where name = '{IntegrationEventRelay.SubscriptionName}:All'), 0)
                """, connection);
            return (long)(await command.ExecuteScalarAsync())! <= 0;
        }, TimeSpan.FromSeconds(60));
        Assert.True(caughtUp, "the relay did not pass every event of the store");

        var marker = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(marker, new StepRecorded(marker, 1));
            await session.SaveChangesAsync();
        }
        await subscriber.WaitForAsync(all => all.Any(m => m.Message.TryGetProperty("flowId", out var flow) && flow.GetGuid() == marker), TimeSpan.FromSeconds(60));
        Assert.Contains(subscriber.Received, m => m.Message.TryGetProperty("flowId", out var flow) && flow.GetGuid() == marker);
    }
}
