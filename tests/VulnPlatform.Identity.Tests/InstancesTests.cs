using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Npgsql;
using VulnPlatform.Testing;
using static VulnPlatform.Identity.Tests.SignInFlowTests;

namespace VulnPlatform.Identity.Tests;

/// <summary>Two instances of Identity behind one address, as the gateway runs them.</summary>
[Collection(IdentityCollection.Name)]
public sealed class InstancesTests(IdentityFixture identity)
{
    private const string Password = "a long passphrase nobody guesses"; // the one RegisterAsync gives

    /// <summary>
    /// Two instances started together on a new database: every form one of them serves can be posted to
    /// the other (antiforgery token and cookies), because they start with one data protection key
    /// between them instead of making one each.
    /// </summary>
    [Fact]
    public async Task Instances_started_together_on_a_new_database_accept_each_others_forms()
    {
        var database = await identity.Servers.CreateDatabaseAsync("identity_pair");
        try
        {
            // The tables exist (an instance ran once), the key ring is empty, as on a new installation.
            await using (var once = identity.Instance(database)) _ = once.Server;
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await ExecuteAsync(connection, "delete from openiddict.\"DataProtectionKeys\"");

            // Both instances start while nobody may write a key yet, so both have read the empty key ring
            // before either writes: the moment two instances starting together meet.
            await using var first = identity.Instance(database);
            await using var second = identity.Instance(database);
            Task<bool> started;
            await using (var writes = await connection.BeginTransactionAsync())
            {
                await ExecuteAsync(connection, "lock table openiddict.\"DataProtectionKeys\" in exclusive mode", writes);
                started = Task.WhenAll(Task.Run(() => first.Server), Task.Run(() => second.Server)).ContinueWith(t => t.IsCompletedSuccessfully);
                Assert.True(await Eventually.HoldsAsync(async () => await WaitingAsync(database) == 2, TimeSpan.FromSeconds(60)),
                    "the two instances did not both wait to start");
                await writes.CommitAsync();
            }
            Assert.True(await started);
            await using (var count = new NpgsqlCommand("select count(*) from openiddict.\"DataProtectionKeys\"", connection))
            {
                Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
            }

            // Each request goes to the other instance than the one before: the form from one, its post to the other.
            var alternating = new Alternating(first.Server.CreateHandler(), second.Server.CreateHandler());
            using var browser = new Browser(new HttpClient(new CookieContainerHandler(new CookieContainer()) { InnerHandler = alternating })
            {
                BaseAddress = new Uri("https://localhost"),
            });
            var email = await RegisterAsync(browser);
            var signedIn = await SignInPagesAsync(browser, email, Password, "/account");
            Assert.Equal(HttpStatusCode.OK, signedIn.Status);
            Assert.Equal("/account", signedIn.Address.AbsolutePath);
            Assert.True(alternating.Sent >= 4, $"{alternating.Sent} requests");
        }
        finally
        {
            await identity.Servers.DropDatabaseAsync(database);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many sessions on <paramref name="database"/> wait for a lock (a table's or an advisory one).</summary>
    private async Task<long> WaitingAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class Alternating(params HttpMessageHandler[] instances) : HttpMessageHandler
    {
        private int _sent;
        public int Sent => _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new HttpMessageInvoker(instances[Interlocked.Increment(ref _sent) % instances.Length], disposeHandler: false).SendAsync(request, cancellationToken);
    }
}
