using VulnPlatform.Contracts;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.Disclosure.Facts;
using VulnPlatform.Disclosure.Publication;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>Whether an instant is coordinated, as given the case's facts (from the bus) / when an instant is asked for / then its concerns.</summary>
[Trait("Servers", "none")]
public sealed class ScheduleDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lead = TimeSpan.FromDays(3);
    private static readonly Guid Report = Guid.NewGuid();
    private static readonly Guid Maker = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();
    private static readonly Actor Coordinator = new(ActorKinds.Staff, "c-1");

    private static CaseFacts Given(params object[] events)
    {
        var facts = new CaseFacts { Id = Report };
        foreach (var e in events) CaseFacts.Apply(facts, e);
        return facts;
    }

    private static object Notified(Guid organisation, string name) => new VendorNotified(Report, Report, "VR-2026-000042", organisation, "Path traversal.", Coordinator, Now, name);
    private static object Acknowledged(Guid organisation) => new VendorAcknowledged(Report, Report, "VR-2026-000042", organisation, Coordinator, Now);
    private static object Status(Guid organisation, string status) => new VendorStatusChanged(Report, Report, "VR-2026-000042", organisation, status,
        status == "not-affected" ? "component_not_present" : null, status == "fixed" ? "3.0.1" : null, Coordinator, Now);
    private static object Agreed(DateTimeOffset at) => new DisclosureDateAgreed(Report, Report, "VR-2026-000042", at, Coordinator, Now);

    private static string[] When(CaseFacts? facts, DateTimeOffset instant) => [.. ScheduleDecider.Concerns(facts, instant, Now, Lead).Select(c => c.Code)];

    [Fact]
    public void A_case_without_vendors_or_agreed_date_scheduled_past_the_lead_has_no_concern() =>
        Assert.Empty(When(Given(), Now.AddDays(3)));

    [Fact]
    public void Closer_than_the_pre_notice_lead_is_a_concern_even_by_a_second() =>
        Assert.Equal([ScheduleConcern.InsidePreNoticeLead], When(Given(), Now.AddDays(3).AddSeconds(-1)));

    [Fact]
    public void Before_the_agreed_date_is_a_concern_on_it_is_not()
    {
        var facts = Given(Agreed(Now.AddDays(30)));
        Assert.Equal([ScheduleConcern.BeforeAgreedDate], When(facts, Now.AddDays(29)));
        Assert.Empty(When(facts, Now.AddDays(30)));
        Assert.Empty(When(facts, Now.AddDays(60)));
    }

    [Fact]
    public void A_notified_vendor_that_never_acknowledged_is_a_concern_until_it_gives_a_final_status()
    {
        Assert.Equal([ScheduleConcern.VendorNotAcknowledged], When(Given(Notified(Maker, "Maker")), Now.AddDays(10)));
        Assert.Equal([ScheduleConcern.VendorNotAcknowledged], When(Given(Notified(Maker, "Maker"), Status(Maker, "under-investigation")), Now.AddDays(10)));
        Assert.Empty(When(Given(Notified(Maker, "Maker"), Status(Maker, "fixed")), Now.AddDays(10)));
    }

    [Theory]
    [InlineData("unknown", true)]
    [InlineData("under-investigation", true)]
    [InlineData("affected", false)]
    [InlineData("not-affected", false)]
    [InlineData("fixed", false)]
    public void An_acknowledged_vendor_without_a_final_status_is_a_concern(string status, bool concern)
    {
        var facts = Given(Notified(Maker, "Maker"), Acknowledged(Maker), Status(Maker, status));
        Assert.Equal(concern ? [ScheduleConcern.VendorNoFinalStatus] : [], When(facts, Now.AddDays(10)));
    }

    [Fact]
    public void Every_concern_is_named_once_per_vendor_with_the_vendor_s_name()
    {
        var facts = Given(Notified(Maker, "Maker"), Notified(Other, "Other Corp"), Acknowledged(Other), Agreed(Now.AddDays(30)));
        var concerns = ScheduleDecider.Concerns(facts, Now.AddHours(1), Now, Lead);
        Assert.Equal([ScheduleConcern.BeforeAgreedDate, ScheduleConcern.InsidePreNoticeLead, ScheduleConcern.VendorNotAcknowledged, ScheduleConcern.VendorNoFinalStatus],
            concerns.Select(c => c.Code));
        Assert.Contains("Maker has not acknowledged", concerns[2].Detail);
        Assert.Contains("Other Corp has given no final status", concerns[3].Detail);
        Assert.Contains("3 days", concerns[1].Detail);
        Assert.Contains("2026-12-02 09:00 UTC", concerns[0].Detail);
    }

    [Fact]
    public void A_vendor_taken_off_the_case_is_no_concern_and_leaves_the_facts()
    {
        var facts = Given(Notified(Maker, "Maker"), Notified(Other, "Other Corp"), Status(Other, "fixed"),
            new VendorRemovedFromCase(Report, Report, "VR-2026-000042", Maker, true, "Added by mistake.", Coordinator, Now));
        Assert.Empty(When(facts, Now.AddDays(10)));
        Assert.Equal("Other Corp", Assert.Single(facts.Vendors).Name);
    }

    [Fact]
    public void An_acknowledgement_heard_before_the_notice_still_counts()
    {
        // Two queues: the acknowledgement may reach Disclosure before the notice does.
        var facts = Given(Acknowledged(Maker), Notified(Maker, "Maker"), Status(Maker, "affected"));
        Assert.Empty(When(facts, Now.AddDays(10)));
        Assert.Equal("Maker", Assert.Single(facts.Vendors).Name);
    }
}
