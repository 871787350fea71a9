using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using VulnPlatform.Contracts.Intake;

namespace VulnPlatform.Shared.Tests;

/// <summary>
/// Every contract's JSON on the wire, pinned by a golden file (tests/VulnPlatform.Shared.Tests/Contracts/):
/// a sample of the contract with every member set is serialised as MassTransit does and compared.
/// A member removed or renamed breaks the subscribers (docs/architecture.md: contracts are additive
/// only); a member added changes the golden file, which is reviewed and committed with the change
/// (<c>VP_UPDATE_GOLDEN=1</c> rewrites the files of the contracts that differ, and still fails).
/// </summary>
[Trait("Servers", "none")]
public sealed class ContractGoldenTests
{
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEnumerable<object[]> Contracts() =>
        typeof(ReportSubmitted).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Namespace!.StartsWith("VulnPlatform.Contracts.", StringComparison.Ordinal) && t.GetMethod("<Clone>$") is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => new object[] { t.FullName! });

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Each_contract_keeps_its_golden_json(string typeName)
    {
        var type = typeof(ReportSubmitted).Assembly.GetType(typeName)!;
        var json = JsonNode.Parse(JsonSerializer.Serialize(new Samples().Of(type), type, Wire))!;
        var file = Path.Combine(GoldenFolder(), typeName["VulnPlatform.Contracts.".Length..] + ".json");
        var actual = json.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
        if ((!File.Exists(file) || File.ReadAllText(file) != actual) && Environment.GetEnvironmentVariable("VP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(file, actual);
            Assert.Fail($"{file} written: review it, commit it, and run the tests again without VP_UPDATE_GOLDEN");
        }
        Assert.True(File.Exists(file), $"{typeName} has no golden file {file}; its JSON is:\n{actual}");
        var golden = JsonNode.Parse(File.ReadAllText(file))!;
        var removed = Paths(golden).Except(Paths(json)).ToList();
        Assert.True(removed.Count == 0, $"{typeName} lost members its subscribers read (a breaking change: make a new contract type): {string.Join(", ", removed)}");
        Assert.True(JsonNode.DeepEquals(golden, json), $"{typeName}'s JSON differs from {file} (a member added? review and update the file):\n{actual}");
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_contract()
    {
        var contracts = Contracts().Select(c => ((string)c[0])["VulnPlatform.Contracts.".Length..] + ".json").ToHashSet();
        var orphans = Directory.GetFiles(GoldenFolder(), "*.json").Select(Path.GetFileName).Where(f => !contracts.Contains(f!)).ToList();
        Assert.True(orphans.Count == 0, $"golden files of contracts that no longer exist (a contract removed breaks its subscribers): {string.Join(", ", orphans)}");
        Assert.True(contracts.Count > 50, $"only {contracts.Count} contracts found");
    }

    /// <summary>Every member path of a JSON document (objects' keys, arrays' items as []).</summary>
    private static IEnumerable<string> Paths(JsonNode? node, string at = "$")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    yield return $"{at}.{key}";
                    foreach (var inner in Paths(value, $"{at}.{key}")) yield return inner;
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    foreach (var inner in Paths(item, $"{at}[]")) yield return inner;
                }
                break;
        }
    }

    private static string GoldenFolder([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Contracts");

    /// <summary>A deterministic sample of a contract with every member set (optional ones too).</summary>
    private sealed class Samples
    {
        private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);
        private int _next;

        public object Of(Type type, string name = "value")
        {
            var n = ++_next;
            if (Nullable.GetUnderlyingType(type) is { } inner) return Of(inner, name);
            if (type == typeof(string)) return name;
            if (type == typeof(Guid)) return Guid.Parse($"0193a000-0000-7000-8000-{n:x12}");
            if (type == typeof(bool)) return true;
            if (type == typeof(int)) return n;
            if (type == typeof(long)) return (long)n;
            if (type == typeof(double)) return n + 0.5;
            if (type == typeof(decimal)) return n + 0.5m;
            if (type == typeof(DateTimeOffset)) return At.AddMinutes(n);
            if (type == typeof(DateOnly)) return DateOnly.FromDateTime(At.UtcDateTime).AddDays(n);
            if (type == typeof(TimeSpan)) return TimeSpan.FromMinutes(n);
            if (type == typeof(Uri)) return new Uri($"https://security.example.org/{name}");
            if (type.IsEnum) return Enum.GetValues(type).GetValue(0)!;
            if (type.IsArray || (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)))
            {
                var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
                var list = Array.CreateInstance(element, 1);
                list.SetValue(Of(element, name), 0);
                return list;
            }
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            return constructor.Invoke(constructor.GetParameters().Select(p => Of(p.ParameterType, p.Name!)).ToArray());
        }
    }
}
