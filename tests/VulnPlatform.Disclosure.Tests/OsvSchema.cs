using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using VulnPlatform.Testing;

namespace VulnPlatform.Disclosure.Tests;

/// <summary>
/// The official OSV schema (ossf/osv-schema <c>validation/schema.json</c>, JSON Schema 2020-12), read in
/// place from <c>../shared/standards/osv/</c> beside the repository and checked against the SHA-256 its
/// README gives; it is never copied into the project.
/// </summary>
internal static class OsvSchema
{
    private const string Sha256 = "7a511902b57297197b37298f6adaa2acb15f22b3f641bb9f547f19dcbe533ba8";

    public static string Location { get; } = Path.GetFullPath(Path.Combine(LocalServers.RepositoryRoot, "..", "shared", "standards", "osv", "schema.json"));

    private static readonly Lazy<JsonSchema> Schema = new(Load);

    public static void AssertValid(JsonNode document)
    {
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var results = Schema.Value.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")).Distinct().ToList();
        Assert.True(results.IsValid, $"The OSV document is not valid by the official OSV schema:\n{string.Join("\n", errors)}\n{document.ToJsonString()}");
    }

    private static JsonSchema Load()
    {
        var bytes = File.ReadAllBytes(Location);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.True(actual == Sha256, $"{Location} is not the OSV schema named in ../shared/standards/README.md (SHA-256 {actual}, expected {Sha256}).");
        return JsonSchema.FromText(System.Text.Encoding.UTF8.GetString(bytes), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}

/// <summary>A test that validates against the official OSV schema: skipped, saying why, where the file is not beside the repository.</summary>
internal sealed class OsvSchemaFactAttribute : FactAttribute
{
    public OsvSchemaFactAttribute()
    {
        if (!File.Exists(OsvSchema.Location)) Skip = $"The official OSV schema is not at {OsvSchema.Location} (../shared/standards/osv/schema.json beside the repository): nothing was validated.";
    }
}
