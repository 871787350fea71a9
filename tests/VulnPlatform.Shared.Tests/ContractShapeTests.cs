using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;

namespace VulnPlatform.Shared.Tests;

[Trait("Servers", "none")]
public sealed partial class ContractShapeTests
{
    // MassTransit serialises messages with System.Text.Json in camelCase, as the web defaults do.
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    private static readonly string[] PublishingServices =
        ["Intake", "Triage", "VendorCoordination", "Disclosure", "Notification", "Identity"];

    [Fact]
    public void ReportSubmitted_keeps_its_json_shape()
    {
        var message = new ReportSubmitted(
            Guid.Parse("0193a000-0000-7000-8000-000000000001"),
            "VR-2026-000123",
            ReportKinds.Vulnerability,
            "Stored XSS",
            "Review text is not encoded.",
            new AffectedProduct("Acme", "Shop", "4.2.1"),
            ThirdParty: true,
            "1. post a review",
            "session theft",
            "CWE-79",
            Anonymous: false,
            Actor.AnonymousReporter,
            new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N");

        // suggestedCvssVector was added at the end (additively): consumers that do not know it ignore it.
        Assert.Equal(
            """
            {"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","kind":"vulnerability","title":"Stored XSS","description":"Review text is not encoded.","product":{"vendor":"Acme","name":"Shop","version":"4.2.1"},"thirdParty":true,"stepsToReproduce":"1. post a review","impact":"session theft","cwe":"CWE-79","anonymous":false,"submittedBy":{"kind":"reporter","id":null},"submittedAt":"2026-11-25T09:30:00+00:00","suggestedCvssVector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}
            """,
            JsonSerializer.Serialize(message, Wire));
    }

    private static readonly Guid Report = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    private static readonly Guid Item = Guid.Parse("0193a000-0000-7000-8000-0000000000aa");
    private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);

    public static TheoryData<object, string> FollowUpContracts => new()
    {
        {
            new SubmissionRouted(Report, "VR-2026-000123", ReportKinds.Fraud, Desks.Sales, At),
            """{"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","kind":"fraud","desk":"sales","routedAt":"2026-11-25T09:30:00+00:00"}"""
        },
        {
            new AttachmentAdded(Report, "VR-2026-000123", Item, "poc.bin", 1234, "ab12", "application/zip", Actor.AnonymousReporter, At),
            """{"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","attachmentId":"0193a000-0000-7000-8000-0000000000aa","fileName":"poc.bin","size":1234,"sha256":"ab12","sniffedContentType":"application/zip","addedBy":{"kind":"reporter","id":null},"addedAt":"2026-11-25T09:30:00+00:00"}"""
        },
        {
            new ReporterMessagePosted(Report, "VR-2026-000123", Item, "See attached.", [Item], Actor.AnonymousReporter, At),
            """{"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","messageId":"0193a000-0000-7000-8000-0000000000aa","text":"See attached.","attachmentIds":["0193a000-0000-7000-8000-0000000000aa"],"postedBy":{"kind":"reporter","id":null},"postedAt":"2026-11-25T09:30:00+00:00","toVendorOrganisationId":null}"""
        },
        {
            new ReporterConsentChanged(Report, "VR-2026-000123", false, true, "Z. Wei", Actor.AnonymousReporter, At),
            """{"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","shareIdentityWithVendor":false,"publicCredit":true,"creditName":"Z. Wei","changedBy":{"kind":"reporter","id":null},"changedAt":"2026-11-25T09:30:00+00:00"}"""
        },
        {
            new ReportWithdrawn(Report, "VR-2026-000123", "Duplicate.", Actor.AnonymousReporter, At),
            """{"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","reason":"Duplicate.","withdrawnBy":{"kind":"reporter","id":null},"withdrawnAt":"2026-11-25T09:30:00+00:00"}"""
        },
        {
            new VulnPlatform.Contracts.Triage.ReportAcknowledged(Item, Report, "VR-2026-000123", "Thanks.", new Actor(ActorKinds.Staff, "a-1"), At),
            """{"caseId":"0193a000-0000-7000-8000-0000000000aa","reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","message":"Thanks.","acknowledgedBy":{"kind":"staff","id":"a-1"},"acknowledgedAt":"2026-11-25T09:30:00+00:00"}"""
        },
        {
            new VulnPlatform.Contracts.Triage.MoreInformationRequested(Item, Report, "VR-2026-000123", "Which version?", new Actor(ActorKinds.Staff, "a-1"), At),
            """{"caseId":"0193a000-0000-7000-8000-0000000000aa","reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","question":"Which version?","requestedBy":{"kind":"staff","id":"a-1"},"requestedAt":"2026-11-25T09:30:00+00:00"}"""
        },
        {
            new VulnPlatform.Contracts.Triage.ProgressUpdatePosted(Item, Report, "VR-2026-000123", "Fix in review.", new Actor(ActorKinds.Staff, "a-1"), At),
            """{"caseId":"0193a000-0000-7000-8000-0000000000aa","reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","update":"Fix in review.","postedBy":{"kind":"staff","id":"a-1"},"postedAt":"2026-11-25T09:30:00+00:00"}"""
        },
    };

    [Theory]
    [MemberData(nameof(FollowUpContracts))]
    public void Contracts_keep_their_json_shape(object message, string json) =>
        Assert.Equal(json, JsonSerializer.Serialize(message, message.GetType(), Wire));

    public static IEnumerable<object[]> Contracts() =>
        typeof(ReportSubmitted).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Namespace != typeof(Actor).Namespace && t.Namespace!.StartsWith("VulnPlatform.Contracts.", StringComparison.Ordinal))
            .Select(t => new object[] { t.FullName! });

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Each_contract_is_a_record_owned_by_its_publisher_without_personal_data(string typeName)
    {
        var type = typeof(ReportSubmitted).Assembly.GetType(typeName)!;

        Assert.Contains(type.Namespace!["VulnPlatform.Contracts.".Length..], PublishingServices);
        Assert.NotNull(type.GetMethod("<Clone>$")); // a record: value equality, immutable
        var personal = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => PersonalData().IsMatch(p.Name));
        Assert.Empty(personal);
    }

    [GeneratedRegex("email|e_mail|phone|address|reportername|fullname|ipaddress", RegexOptions.IgnoreCase)]
    private static partial Regex PersonalData();
}
