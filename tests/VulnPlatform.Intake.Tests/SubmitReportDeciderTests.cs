using VulnPlatform.Contracts;
using VulnPlatform.Intake.Reports;
using VulnPlatform.Intake.Reports.Submitting;

namespace VulnPlatform.Intake.Tests;

[Trait("Servers", "none")]
public sealed class SubmitReportDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);
    private static readonly Guid ReportId = Guid.Parse("01937a5e-0000-7000-8000-000000000001");

    private static readonly byte[] Sealed = [1, 2, 3];

    private static SubmitReport Command(ReporterRequest? reporter, string kind = ReportKinds.Vulnerability) => new(
        ReportId,
        "VR-2026-000123",
        "hash",
        new SubmitReportRequest(
            "  SQL injection in login  ",
            "The username is concatenated into SQL.",
            kind,
            new ProductRequest("Acme", "Portal", " "),
            ThirdParty: true,
            StepsToReproduce: "1. ' or 1=1 --",
            Impact: "Full database read",
            Cwe: "CWE-89",
            reporter),
        reporter is null ? null : Sealed,
        Actor.AnonymousReporter,
        Now);

    [Fact]
    public void Given_no_report_when_submitted_with_contact_then_the_report_and_the_contact_are_recorded_apart()
    {
        var events = SubmitReportDecider.Decide(
            Command(new ReporterRequest("Ada", "ada@example.org", ReporterLanguages.SimplifiedChinese)));

        Assert.Equal(
            [
                new ReportFiled(ReportId, "VR-2026-000123", ReportKinds.Vulnerability, "SQL injection in login",
                    "The username is concatenated into SQL.", new ProductDetails("Acme", "Portal", null), true,
                    "1. ' or 1=1 --", "Full database read", "CWE-89", false, "hash", Actor.AnonymousReporter, Now),
                new ReporterContactGiven(ReportId, Sealed, Now),
            ],
            events);
    }

    [Fact]
    public void Given_no_report_when_submitted_anonymously_then_only_the_report_is_recorded()
    {
        var events = SubmitReportDecider.Decide(Command(reporter: null));

        var submitted = Assert.IsType<ReportFiled>(Assert.Single(events));
        Assert.True(submitted.Anonymous);
    }

    [Theory]
    [InlineData(ReportKinds.Fraud, "sales")]
    [InlineData(ReportKinds.General, "support")]
    public void Given_no_report_when_fraud_or_a_general_question_is_submitted_then_it_is_routed_to_its_desk(string kind, string desk)
    {
        var events = SubmitReportDecider.Decide(Command(reporter: null, kind));

        Assert.Equal(
            [typeof(ReportFiled), typeof(ReportRoutedToDesk)],
            events.Select(e => e.GetType()));
        Assert.Equal(new ReportRoutedToDesk(ReportId, "VR-2026-000123", kind, desk, Now), events[1]);
    }
}
