namespace VulnPlatform.Intake.Tests;

/// <summary>Request bodies as a client would send them.</summary>
public static class Reports
{
    public const string ReporterName = "Zhang Wei Reporter";
    public const string ReporterEmail = "zhang.wei.reporter@example.org";

    public static Dictionary<string, object?> Valid(bool anonymous = false)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "Stored XSS in the product review form",
            ["description"] = "The review text is rendered without encoding.\nAny visitor runs the script.",
            ["kind"] = "vulnerability",
            ["product"] = new Dictionary<string, object?> { ["vendor"] = "Acme", ["name"] = "Shop", ["version"] = "4.2.1" },
            ["thirdParty"] = false,
            ["stepsToReproduce"] = "1. Open a product\n2. Post a review containing <script>alert(1)</script>",
            ["impact"] = "Session theft of every visitor of the product page.",
            ["cwe"] = "CWE-79",
        };
        if (!anonymous)
        {
            body["reporter"] = new Dictionary<string, object?>
            {
                ["name"] = ReporterName,
                ["email"] = ReporterEmail,
                ["language"] = "zh-CN",
            };
        }
        return body;
    }

    public static Dictionary<string, object?> With(string field, object? value)
    {
        var body = Valid();
        body[field] = value;
        return body;
    }

    public static Dictionary<string, object?> Without(string field)
    {
        var body = Valid();
        body.Remove(field);
        return body;
    }
}
