using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Disclosure.Facts;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>The facts Disclosure keeps of a case, as events arrive in whatever order the queues and instances deliver them.</summary>
[Trait("Servers", "none")]
public sealed class CaseFactsTests
{
    private static readonly DateTimeOffset Asked = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_withdrawn_public_credit_does_not_come_back_with_an_older_consent_that_arrives_late()
    {
        var facts = new CaseFacts { Id = Guid.CreateVersion7() };
        var granted = new ReporterConsentChanged(facts.Id, "VR-2026-000001", false, true, "Fang Credit", Actor.AnonymousReporter, Asked);
        var withdrawn = granted with { PublicCredit = false, CreditName = null, ChangedAt = Asked.AddMinutes(5) };

        Assert.True(CaseFacts.Apply(facts, withdrawn));
        Assert.False(CaseFacts.Apply(facts, granted)); // the older "yes", late
        Assert.False(CaseFacts.Apply(facts, granted)); // and its retry

        Assert.Null(facts.AllowedCredit);
        Assert.Null(facts.CreditName);
    }

    [Fact]
    public void A_newer_consent_replaces_an_older_one()
    {
        var facts = new CaseFacts { Id = Guid.CreateVersion7() };
        var withdrawn = new ReporterConsentChanged(facts.Id, "VR-2026-000001", false, false, null, Actor.AnonymousReporter, Asked);
        Assert.True(CaseFacts.Apply(facts, withdrawn));
        Assert.True(CaseFacts.Apply(facts, withdrawn with { PublicCredit = true, CreditName = "Fang Credit", ChangedAt = Asked.AddDays(1) }));
        Assert.Equal("Fang Credit", facts.AllowedCredit);
    }
}
