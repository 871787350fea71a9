using Microsoft.Playwright;

namespace VulnPlatform.EndToEnd.Tests;

/// <summary>
/// The console pages outside the main journey, each used once in Chromium and checked like every
/// page (no console error or CSP violation, no serious accessibility finding): metrics, the vendor
/// directory, customer contacts, pen-test requests, and the admin's accounts — and the refusals: a
/// vendor or reporter account opening staff pages gets nothing, an analyst no coordinator tools.
/// </summary>
public sealed class StaffPagesInChromiumTests(WebClient web) : IClassFixture<WebClient>
{
    [Fact]
    public async Task A_coordinator_uses_metrics_the_directory_customer_contacts_and_pen_test_requests()
    {
        var coordinator = await StaffAccounts.CreateAsync("coordinator");
        await using var watched = await web.SignInAsync(coordinator, "/staff/metrics");
        var page = watched.Page;
        Assert.Equal(3, await page.Locator("figure.chart svg").CountAsync());
        Assert.Equal(6, await page.Locator("table.list tbody tr").CountAsync()); // six months
        await watched.AssertCleanAsync();

        var suffix = Guid.NewGuid().ToString("N")[..8];
        await watched.GotoAsync("/staff/vendors");
        await page.FillAsync("#v-name", $"Directory Maker {suffix}");
        await page.FillAsync("#v-products", $"Gadget {suffix}\nGizmo {suffix}");
        await page.FillAsync("#v-contacts", $"psirt.{suffix}@maker.example");
        await page.ClickAsync("form:has(#v-name) button[type=submit]");
        await page.WaitForSelectorAsync(".notice");
        Assert.Contains($"Gizmo {suffix}", await page.TextContentAsync("table.list"));
        await watched.AssertCleanAsync();

        // A bad address is refused beside the form, nothing registered.
        await page.FillAsync("#v-name", $"Broken Maker {suffix}");
        await page.FillAsync("#v-contacts", "not an address");
        await page.ClickAsync("form:has(#v-name) button[type=submit]");
        await page.WaitForSelectorAsync("main .alert");
        Assert.DoesNotContain($"Broken Maker {suffix}", await page.TextContentAsync("table.list"));

        await watched.GotoAsync("/staff/customers");
        await page.FillAsync("#c-org", $"Customer {suffix}");
        await page.FillAsync("#c-email", $"security.{suffix}@customer.example");
        await page.ClickAsync("form:has(#c-org) button[type=submit]");
        await page.WaitForSelectorAsync(".notice");
        Assert.Contains($"security.{suffix}@customer.example", await page.TextContentAsync("table.list"));
        await watched.AssertCleanAsync();

        await watched.GotoAsync("/staff/pentest");
        Assert.Equal(1, await page.Locator("#p-file").CountAsync());
        await watched.AssertCleanAsync();
        await watched.GotoAsync("/staff/advisories");
        await watched.AssertCleanAsync();
        await watched.GotoAsync("/staff/coordination");
        await watched.AssertCleanAsync();
    }

    [Fact]
    public async Task An_admin_creates_an_account_and_staff_pages_refuse_people_without_the_role()
    {
        var admin = await StaffAccounts.CreateAsync("admin");
        await using var watched = await web.SignInAsync(admin, "/admin/accounts");
        var page = watched.Page;
        var email = $"new.analyst.{Guid.NewGuid():N}@example.org";
        await page.FillAsync("#new-email", email);
        await page.SelectOptionAsync("#new-role", "analyst");
        await page.ClickAsync("form:has(#new-email) button[type=submit]");
        await page.WaitForSelectorAsync("#created");
        Assert.True((await page.TextContentAsync("#initial-password"))!.Trim().Length >= 12);
        Assert.Contains(email, await page.TextContentAsync("table.list"));
        await watched.AssertCleanAsync();

        // An admin is not staff: the queue is not theirs.
        await watched.GotoAsync("/staff");
        Assert.Equal(0, await page.Locator("table.queue").CountAsync());

        // An analyst has the queue but not the coordinators' tools or the accounts.
        var analyst = await StaffAccounts.CreateAsync("analyst");
        await using var analystBrowser = await web.SignInAsync(analyst, "/staff");
        foreach (var path in new[] { "/staff/coordination", "/staff/vendors", "/staff/advisories", "/staff/pentest", "/admin/accounts" })
        {
            await analystBrowser.GotoAsync(path);
            Assert.Equal(0, await analystBrowser.Page.Locator("main form[method=post], main table").CountAsync());
        }
    }
}
