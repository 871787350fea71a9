using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>
/// The CVE Program's JSON schemas (CVE JSON 5.1.1: the whole record, and the published CNA container
/// that CVE Services accepts), as the CVE schema repository publishes them. The test command takes
/// them from Debian's <c>python3-cvelib</c> package, which ships copies of that repository's files,
/// and names their folder in <c>VP_CVE_SCHEMAS</c>.
/// </summary>
internal static class CveSchema
{
    private static readonly Lazy<JsonSchema> RecordSchema = new(() => Load("CVE_JSON_bundled_5.1.1.json"));
    private static readonly Lazy<JsonSchema> ContainerSchema = new(() => Load("CVE_JSON_cnaPublishedContainer_5.1.1.json"));

    public static void AssertValidRecord(JsonNode record) => AssertValid(RecordSchema.Value, record, "CVE record");

    public static void AssertValidCnaContainer(JsonNode container) => AssertValid(ContainerSchema.Value, container, "CNA container");

    private static void AssertValid(JsonSchema schema, JsonNode document, string what)
    {
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var results = schema.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")).Distinct().ToList();
        Assert.True(results.IsValid, $"The {what} is not valid by the CVE JSON 5.1.1 schema:\n{string.Join("\n", errors)}\n{document.ToJsonString()}");
    }

    private static JsonSchema Load(string file)
    {
        var folder = Environment.GetEnvironmentVariable("VP_CVE_SCHEMAS")
            ?? throw new InvalidOperationException("VP_CVE_SCHEMAS is not set: run the tests with deploy/local/test.sh, which installs the CVE JSON schemas.");
        // One embedded subschema, FIRST's CVSS v2.0 schema, declares draft-04, a dialect JsonSchema.Net 8 no longer
        // builds; it uses only keywords that mean the same in draft-07 (type, enum, definitions, properties,
        // required, $ref), so it is read as draft-07. Everything else is the file as published.
        var text = File.ReadAllText(Path.Combine(folder, file))
            .Replace("\"http://json-schema.org/draft-04/schema#\"", "\"http://json-schema.org/draft-07/schema#\"", StringComparison.Ordinal);
        // Each schema in a registry of its own: both carry the same embedded CVSS schemas under the same ids.
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}
