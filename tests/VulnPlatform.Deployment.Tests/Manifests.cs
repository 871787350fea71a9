using System.Diagnostics;
using System.Text.Json.Nodes;

namespace VulnPlatform.Deployment.Tests;

/// <summary>
/// The Kubernetes manifests as `kubectl kustomize` renders an overlay, each object checked against
/// its kind's schema by deploy/k8s/validate (kubernetes-models from npm; test.sh installs it).
/// </summary>
public sealed record Rendered(string Overlay, IReadOnlyList<JsonObject> Objects, IReadOnlyList<JsonObject> Problems)
{
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => Name(o) == name) ?? throw new InvalidOperationException($"{Overlay}: no {kind} {name}");

    public static string Name(JsonNode o) => (string)o["metadata"]!["name"]!;

    /// <summary>The pods' labels of every workload the overlay runs.</summary>
    public IEnumerable<(JsonObject Deployment, JsonObject PodLabels, JsonObject PodSpec)> Workloads() =>
        OfKind("Deployment").Select(d => (d, (JsonObject)d["spec"]!["template"]!["metadata"]!["labels"]!, (JsonObject)d["spec"]!["template"]!["spec"]!));
}

public static class Manifests
{
    public static string Root { get; } = FindRoot();

    private static readonly Lazy<Rendered> DevOverlay = new(() => Render("dev"));
    private static readonly Lazy<Rendered> ProdOverlay = new(() => Render("prod"));

    public static Rendered Overlay(string name) => name switch
    {
        "dev" => DevOverlay.Value,
        "prod" => ProdOverlay.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>The validator's problems with the objects of one YAML text.</summary>
    public static IReadOnlyList<JsonObject> Validate(string yaml) =>
        Parse(yaml)["problems"]!.AsArray().Select(o => (JsonObject)o!).ToList();

    /// <summary>docker-compose.yml, read by the same YAML parser (merge keys resolved).</summary>
    public static JsonObject Compose() =>
        (JsonObject)Parse(File.ReadAllText(Path.Combine(Root, "docker-compose.yml")), "--parse")["objects"]![0]!;

    private static Rendered Render(string overlay)
    {
        if (overlay == "dev")
        {
            // The development overlay's secrets are made on the machine (never committed).
            Run("bash", [Path.Combine(Root, "deploy/k8s/overlays/dev/secrets.sh")], input: null);
        }
        var kustomize = (Environment.GetEnvironmentVariable("VP_KUSTOMIZE") ?? "kubectl kustomize").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var yaml = Run(kustomize[0], [.. kustomize[1..], Path.Combine(Root, "deploy/k8s/overlays", overlay)], input: null);
        var result = Parse(yaml);
        return new Rendered(overlay,
            result["objects"]!.AsArray().Select(o => (JsonObject)o!).ToList(),
            result["problems"]!.AsArray().Select(o => (JsonObject)o!).ToList());
    }

    private static JsonObject Parse(string yaml, params string[] arguments)
    {
        var script = Path.Combine(Root, "deploy/k8s/validate/validate.mjs");
        if (!Directory.Exists(Path.Combine(Root, "deploy/k8s/validate/node_modules")))
        {
            throw new InvalidOperationException("The manifest validator is not installed: npm ci --prefix deploy/k8s/validate (test.sh does it).");
        }
        return (JsonObject)JsonNode.Parse(Run("node", [script, .. arguments], yaml))!;
    }

    private static string Run(string file, IEnumerable<string> arguments, string? input)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = Root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {error.Result}");
        }
        return output.Result;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VulnPlatform.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("VulnPlatform.sln not found above the test's folder.");
    }
}
