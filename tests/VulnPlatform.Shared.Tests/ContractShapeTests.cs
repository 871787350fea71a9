using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using VulnPlatform.Contracts;
using VulnPlatform.Contracts.Intake;

namespace VulnPlatform.Shared.Tests;

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
            new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero));

        Assert.Equal(
            """
            {"reportId":"0193a000-0000-7000-8000-000000000001","trackingNumber":"VR-2026-000123","kind":"vulnerability","title":"Stored XSS","description":"Review text is not encoded.","product":{"vendor":"Acme","name":"Shop","version":"4.2.1"},"thirdParty":true,"stepsToReproduce":"1. post a review","impact":"session theft","cwe":"CWE-79","anonymous":false,"submittedBy":{"kind":"reporter","id":null},"submittedAt":"2026-11-25T09:30:00+00:00"}
            """,
            JsonSerializer.Serialize(message, Wire));
    }

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
