using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VulnPlatform.Testing;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// A fresh installation whose services start one by one, the broker topology step skipped
/// (<c>deploy/local/first-start.sh</c> starts Identity and Intake only): a report accepted before
/// Triage and Notification ever declared their queues is still triaged and receipted once they start,
/// and an event published while no queue at all is bound is kept and reported, never dropped.
/// </summary>
[Trait("Category", "FirstStart")]
public sealed class FirstStartTests
{
    private static string Required(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run deploy/local/first-start.sh.");

    [Fact]
    public async Task A_report_accepted_while_only_intake_runs_is_triaged_and_receipted_once_the_other_services_start_for_the_first_time()
    {
        using var intake = new HttpClient { BaseAddress = new Uri(Required("VP_TEST_INTAKE")) };

        // Intake accepts the report, and says why it relays nothing yet.
        var reporter = $"first.start.{Guid.NewGuid():N}@example.org";
        var submitted = await intake.PostAsJsonAsync("/api/reports", new
        {
            kind = "vulnerability", title = "Stored XSS in comments (first start)", description = "A comment's markup runs in every reader's browser.",
            product = new { vendor = "Us", name = "Portal", version = "5.3" }, thirdParty = false, stepsToReproduce = "Post <img src=x onerror=alert(1)>.",
            impact = "Session theft.", reporter = new { name = "First Reporter", email = reporter, language = "en" },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var trackingNumber = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingNumber").GetString()!;
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await intake.GetStringAsync("/health/ready")).Contains("declared their queues: triage, notification, vendorcoordination, disclosure"),
            TimeSpan.FromSeconds(30)), await intake.GetStringAsync("/health/ready"));

        // The other services start for the first time (with the web client and the gateway).
        using (var revive = Process.Start(new ProcessStartInfo("bash", ["deploy/local/platform.sh", "revive"])
               { WorkingDirectory = Required("VP_TEST_ROOT") })!)
        {
            await revive.WaitForExitAsync();
            Assert.Equal(0, revive.ExitCode);
        }

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Mail.To(reporter).Count > 0), TimeSpan.FromSeconds(60)),
            "The receipt did not arrive");
        Assert.Contains(Mail.To(reporter), m => (m.TextBody ?? "").Contains(trackingNumber));
        var analyst = await StaffAccounts.TokenAsync("analyst");
        await Platform.OpenedCaseAsync(trackingNumber, analyst);
        Assert.True(await Eventually.HoldsAsync(async () =>
            !(await intake.GetStringAsync("/health/ready")).Contains("declared their queues"), TimeSpan.FromSeconds(30)),
            "Intake's readiness still waits for the topology");

        // An event of Intake's contracts published while no queue is bound to its exchange is parked, and readiness says so.
        var servers = await TestServers.GetAsync();
        await RawPublisher.PublishAsync(servers, new { probe = Guid.NewGuid() }, exchange: "VulnPlatform.Contracts.Intake:NothingBound");
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await intake.GetStringAsync("/health/ready")).Contains("1 event(s) were published while no queue was bound; they wait in intake.unroutable"),
            TimeSpan.FromSeconds(30)), await intake.GetStringAsync("/health/ready"));
    }
}
