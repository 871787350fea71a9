using VulnPlatform.Contracts;
using VulnPlatform.VendorCoordination.Cases;

namespace VulnPlatform.VendorCoordination.Tests;

/// <summary>Taking a vendor off a case, decided on the case as it stands (pure): given the case / when removed / then the event or the refusal.</summary>
[Trait("Servers", "none")]
public sealed class RemoveVendorDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Coordinator = new(ActorKinds.Staff, "c-1");
    private static readonly Guid Acme = Guid.NewGuid();

    private static CoordinationCase Given(DateTimeOffset? notifiedAt) => new()
    {
        Id = Guid.NewGuid(), TrackingNumber = "VR-2026-000042",
        Vendors = [new VendorEntry { OrganisationId = Acme, Name = "Acme", AddedAt = Now.AddDays(-2), NotifiedAt = notifiedAt }],
        OrganisationIds = [Acme],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_vendor_on_the_case_is_removed_with_the_reason_and_whether_it_had_been_told(bool notified)
    {
        var decision = CoordinationDecider.Decide(Given(notified ? Now.AddDays(-1) : null), new RemoveVendor(Acme, "Added by mistake."), Coordinator, Now);
        Assert.Null(decision.Refusal);
        var removed = Assert.IsType<VendorRemoved>(Assert.Single(decision.Events));
        Assert.Equal((Acme, "Acme", "Added by mistake.", notified, "VR-2026-000042"),
            (removed.OrganisationId, removed.OrganisationName, removed.Reason, removed.WasNotified, removed.TrackingNumber));
    }

    [Fact]
    public void An_organisation_not_on_the_case_cannot_be_removed()
    {
        var decision = CoordinationDecider.Decide(Given(null), new RemoveVendor(Guid.NewGuid(), "Who?"), Coordinator, Now);
        Assert.Empty(decision.Events);
        Assert.Equal(404, decision.Refusal!.Status);
    }
}
