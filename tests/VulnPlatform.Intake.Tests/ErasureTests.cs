using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.Intake.Reports;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.Testing;

namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class ErasureTests(IntakeFixture intake)
{
    [Fact]
    public async Task A_withdrawn_report_is_erased_on_request_its_data_unreadable_and_ReporterDataErased_published()
    {
        await using var subscriber = await RawSubscriber.StartAsync(intake.Servers, "VulnPlatform.Contracts.Intake:ReporterDataErased");
        var report = await intake.SubmitAsync(Reports.Valid());
        var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
            Uploads.Multipart(new UploadFile("poc.txt", "alert(1)"u8.ToArray()))));
        var attachmentId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0].GetProperty("id").GetGuid();
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Put, report, "/consent",
            JsonContent.Create(new { shareIdentityWithVendor = false, publicCredit = true, creditName = "Zhang Wei" })));

        // Not before withdrawal: the report is still being handled.
        var early = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/erase"));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("https://vulnplatform.dev/problems/not-withdrawn", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/withdraw", JsonContent.Create(new { reason = "Found it was intended." })));
        var erase = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/erase"));
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);

        var view = await (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("erased", view.GetProperty("personalData").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("contact").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("consent").GetProperty("creditName").ValueKind);
        var download = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report, $"/attachments/{attachmentId}"));
        Assert.Equal(HttpStatusCode.Gone, download.StatusCode);
        var contact = new HttpRequestMessage(HttpMethod.Get, $"/internal/reports/{report.ReportId}/contact");
        contact.Headers.Authorization = new("Bearer", intake.NotificationToken);
        Assert.Equal(HttpStatusCode.Gone, (await intake.Client.SendAsync(contact)).StatusCode);

        // Nothing readable is left in the store: no key, no blobs, no credit name or e-mail in any event.
        await using var session = intake.Store.QuerySession();
        Assert.Null(await session.LoadAsync<WrappedDataKey>(report.ReportId));
        Assert.Equal(0, await intake.CountAsync($"select count(*) from intake_blobs where report_id = '{report.ReportId}'"));
        var events = await session.Events.FetchStreamAsync(report.ReportId);
        var stored = string.Join("\n", events.Select(e => JsonSerializer.Serialize(e.Data)));
        Assert.DoesNotContain("Zhang Wei", stored);
        Assert.DoesNotContain(Reports.ReporterEmail, stored);

        var published = await subscriber.WaitForAsync(all => all.Any(m => m.Message.GetProperty("reportId").GetGuid() == report.ReportId), TimeSpan.FromSeconds(30));
        var erased = Assert.Single(published, m => m.Message.GetProperty("reportId").GetGuid() == report.ReportId);
        Assert.Equal("reporter-request", erased.Message.GetProperty("reason").GetString());

        // Asking again changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/erase"))).StatusCode);
        Assert.Equal(events.Count, (await session.Events.FetchStreamAsync(report.ReportId)).Count);
    }

    [Fact]
    public async Task After_rewrapping_every_report_key_under_a_new_key_ring_key_the_old_key_can_go()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var store = intake.Store;

        // A new key ring whose active key is new and which still lists the old one: re-wrap under it.
        var oldKey = intake.EncryptionKey;
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var both = new KeyRing(Microsoft.Extensions.Options.Options.Create(new EncryptionOptions
        {
            ActiveKeyId = "test-2", Keys = new() { ["test-1"] = oldKey, ["test-2"] = newKey },
        }));
        var rewrapped = await new DataKeyRotation(store, new DataKeys(new SealedBox(both)), both).RewrapAllAsync(null, CancellationToken.None);
        Assert.True(rewrapped >= 1);
        try
        {
            // A ring with only the new key opens the report's key and its contact.
            var onlyNew = new DataKeys(new SealedBox(new KeyRing(Microsoft.Extensions.Options.Options.Create(new EncryptionOptions
            {
                ActiveKeyId = "test-2", Keys = new() { ["test-2"] = newKey },
            }))));
            await using var session = store.QuerySession();
            var wrapped = (await session.LoadAsync<WrappedDataKey>(report.ReportId))!;
            Assert.Equal("test-2", wrapped.Wrapped.KeyId);
            var view = (await session.LoadAsync<VulnPlatform.Intake.Reports.Following.ReportStatusView>(report.ReportId))!;
            Assert.Equal(Reports.ReporterEmail, ReporterContacts.Open(report.ReportId, onlyNew.Unwrap(wrapped), view.Contact!).Email);

            // The running service (old key only) now cannot open it: a clear answer, not a 500.
            var status = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Equal("unavailable", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("personalData").GetString());
        }
        finally
        {
            await RewrapBackAsync("test-2", newKey); // the other tests' reports open with the service's key again
        }
    }

    /// <summary>Every data key of the shared database back under the service's own key (test-1), from <paramref name="keyId"/>.</summary>
    private Task<long> RewrapBackAsync(string keyId, string key)
    {
        var back = new KeyRing(Microsoft.Extensions.Options.Options.Create(new EncryptionOptions
        {
            ActiveKeyId = "test-1", Keys = new() { ["test-1"] = intake.EncryptionKey, [keyId] = key },
        }));
        return new DataKeyRotation(intake.Store, new DataKeys(new SealedBox(back)), back).RewrapAllAsync(null, CancellationToken.None);
    }

    /// <summary>
    /// An erasure deleting a report's data key while a key rotation is re-wrapping it: the rotation must not
    /// write the key back (the erased contact would be readable again). The test holds the key's row, lets the
    /// rotation reach it, deletes the key and commits; the key stays gone.
    /// </summary>
    [Fact]
    public async Task A_key_rotation_racing_an_erasure_never_brings_the_erased_key_back()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var store = intake.Store;
        var raceKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var both = new KeyRing(Microsoft.Extensions.Options.Options.Create(new EncryptionOptions
        {
            ActiveKeyId = "test-race", Keys = new() { ["test-1"] = intake.EncryptionKey, ["test-race"] = raceKey },
        }));
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_wrappeddatakey";
        await using var erasure = store.Storage.Database.CreateConnection();
        await erasure.OpenAsync();
        await using var transaction = await erasure.BeginTransactionAsync();
        await using (var hold = new Npgsql.NpgsqlCommand($"select 1 from {table} where id = @id for update", erasure, transaction))
        {
            hold.Parameters.AddWithValue("id", report.ReportId);
            Assert.Equal(1, await hold.ExecuteScalarAsync());
        }

        var rotation = new DataKeyRotation(store, new DataKeys(new SealedBox(both)), both).RewrapAllAsync(null, CancellationToken.None);
        await using (var watch = store.Storage.Database.CreateConnection())
        {
            await watch.OpenAsync();
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                await using var waiting = new Npgsql.NpgsqlCommand(
                    "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'", watch);
                return (long)(await waiting.ExecuteScalarAsync())! > 0;
            }, TimeSpan.FromSeconds(30)), "the rotation never reached the held key");
        }
        await using (var delete = new Npgsql.NpgsqlCommand($"delete from {table} where id = @id", erasure, transaction))
        {
            delete.Parameters.AddWithValue("id", report.ReportId);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }
        await transaction.CommitAsync();
        await rotation;
        await RewrapBackAsync("test-race", raceKey);

        await using var session = store.QuerySession();
        Assert.Null(await session.LoadAsync<WrappedDataKey>(report.ReportId));
    }

    [Fact]
    public async Task Orphaned_blobs_are_swept_and_blobs_an_event_refers_to_are_kept()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
            Uploads.Multipart(new UploadFile("kept.txt", "kept"u8.ToArray()))));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var blobs = intake.Services.GetRequiredService<IBlobStore>();
        var orphan = Guid.NewGuid();
        await blobs.CreateAsync(orphan, report.ReportId, new byte[32], CancellationToken.None); // an upload that died mid-way
        await intake.CountAsync("update intake_blobs set created_at = now() - interval '7 days'");

        var sweep = intake.Services.GetServices<IMaintenanceTask>().Single(t => t.Name == "orphan-blobs");
        var removed = await sweep.RunAsync(CancellationToken.None);

        Assert.True(removed >= 1);
        Assert.Null(await blobs.GetHeaderAsync(orphan, CancellationToken.None));
        var kept = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0].GetProperty("id").GetGuid();
        Assert.NotNull(await blobs.GetHeaderAsync(kept, CancellationToken.None));
        var download = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report, $"/attachments/{kept}"));
        Assert.Equal("kept", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Orphans_after_more_than_a_page_of_live_attachments_are_swept_too()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        var kept = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var upload = await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/attachments",
                Uploads.Multipart(new UploadFile($"kept-{i}.txt", "kept"u8.ToArray()))));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            kept.Add((await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0].GetProperty("id").GetGuid());
        }
        var blobs = intake.Services.GetRequiredService<IBlobStore>();
        var orphan = Guid.NewGuid();
        await blobs.CreateAsync(orphan, report.ReportId, new byte[32], CancellationToken.None);
        // Every blob there is (this test's and others') is older than the orphan, which comes last in creation order.
        await intake.CountAsync("update intake_blobs set created_at = now() - interval '8 days'");
        await intake.CountAsync($"update intake_blobs set created_at = now() - interval '7 days' where id = '{orphan}'");

        // Pages of two: the first pages hold only live attachments.
        var sweep = ActivatorUtilities.CreateInstance<OrphanBlobSweep>(intake.Services, 2);
        Assert.True(await sweep.RunAsync(CancellationToken.None) >= 1);

        Assert.Null(await blobs.GetHeaderAsync(orphan, CancellationToken.None));
        foreach (var id in kept) Assert.NotNull(await blobs.GetHeaderAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task An_erasure_whose_second_step_failed_is_completed_by_the_erasure_task_and_no_table_keeps_the_credit_name()
    {
        var report = await intake.SubmitAsync(Reports.Valid());
        const string credit = "Li Na Credit";
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Put, report, "/consent",
            JsonContent.Create(new { shareIdentityWithVendor = false, publicCredit = true, creditName = credit })));
        var bus = intake.Services.GetRequiredService<IBus>();
        var deliveries = new Deliveries();
        using (bus.ConnectConsumeObserver(deliveries))
        {
            var id = NewId.NextGuid();
            await bus.Publish(new VulnPlatform.Contracts.Disclosure.AdvisoriesPublished(report.ReportId, report.TrackingNumber, DateTimeOffset.UtcNow,
                [new VulnPlatform.Contracts.Disclosure.PublishedAdvisory("VP-2026-0001", "Path traversal", new Uri("https://security.example.com/advisories/VP-2026-0001"), [])],
                credit), c => c.MessageId = id);
            Assert.True(await deliveries.ReachAsync(id, 1));
        }
        await intake.Client.SendAsync(intake.Reporter(HttpMethod.Post, report, "/withdraw", JsonContent.Create(new { reason = "Sent twice." })));
        Assert.True(await TablesHoldingAsync(credit) > 0);

        // The erasure commits, then the process dies before masking: the name is still in the events.
        var erasure = intake.Services.GetRequiredService<VulnPlatform.Intake.Reports.Erasing.ReportErasure>();
        await using (var session = intake.Store.LightweightSession())
        {
            var stream = await session.Events.FetchForExclusiveWriting<Report>(report.ReportId);
            var decision = VulnPlatform.Intake.Reports.Erasing.EraseReportDecider.Decide(stream.Aggregate!, ErasureReasons.ReporterRequest, VulnPlatform.Contracts.Actor.AnonymousReporter, DateTimeOffset.UtcNow);
            stream.AppendMany(decision.Events);
            erasure.Stage(session, stream.Aggregate!, decision);
            await session.SaveChangesAsync();
        }

        var task = intake.Services.GetServices<IMaintenanceTask>().Single(t => t.Name == "report-erasure");
        await task.RunAsync(CancellationToken.None);

        Assert.Equal(0, await TablesHoldingAsync(credit));
        var view = await (await intake.Client.SendAsync(intake.Reporter(HttpMethod.Get, report))).Content.ReadAsStringAsync();
        Assert.DoesNotContain(credit, view);
        Assert.Contains("crediting you under the name you chose", view);
    }

    private Task<long> TablesHoldingAsync(string needle) => DatabaseSearch.RowsHoldingAsync(intake.Database, needle);
}
