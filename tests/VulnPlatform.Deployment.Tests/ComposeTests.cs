using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VulnPlatform.Deployment.Tests;

/// <summary>
/// docker-compose.yml and the Kubernetes manifests describe the same platform: the same processes,
/// and every setting of a service's own (its sections, its keys, its clients, the gateway's routes)
/// given in both. A setting added to one and forgotten in the other fails here.
/// </summary>
[Trait("Servers", "none")]
public sealed class ComposeTests
{
    private static readonly string[] Infrastructure = ["postgres", "rabbitmq", "trace-viewer", "mail"];
    private static readonly string[] BrokerClients = ["identity", "intake", "triage", "notification", "vendorcoordination", "disclosure"];
    private const string TopologyStep = "-topology";

    /// <summary>The settings compared: everything but what each runtime provides its own way.</summary>
    private static readonly Regex Compared = new(
        "^(ConnectionStrings__|Encryption__|InternalApi__|Identity__|Notification__Client__|Coordination__|Disclosure__|Web__|ReverseProxy__|Authentication__|PublicOrigin$|SecurityTxt__|OTEL_EXPORTER_OTLP_ENDPOINT$)");

    [Fact]
    public void Compose_runs_the_same_processes_as_Kubernetes()
    {
        var compose = Manifests.Compose()["services"]!.AsObject().Select(s => s.Key).Except(Infrastructure).Where(s => !s.EndsWith(TopologyStep, StringComparison.Ordinal)).Order();
        var kubernetes = Manifests.Overlay("dev").Workloads()
            .Where(w => (string?)w.Deployment["metadata"]!["labels"]?["vulnplatform.io/tier"] is "service" or "edge")
            .Select(w => Rendered.Name(w.Deployment)).Order();
        Assert.Equal(kubernetes, compose);
    }

    [Fact]
    public void Every_service_gets_the_same_settings_in_compose_and_Kubernetes()
    {
        var dev = Manifests.Overlay("dev");
        var services = Manifests.Compose()["services"]!.AsObject();
        var failures = new List<string>();
        foreach (var (deployment, _, pod) in dev.Workloads().Where(w => services.ContainsKey(Rendered.Name(w.Deployment))))
        {
            var name = Rendered.Name(deployment);
            var inCompose = Normalised((services[name]!["environment"]?.AsObject() ?? []).Select(e => e.Key));
            var inKubernetes = Normalised(KubernetesSettings(dev, (JsonObject)pod["containers"]![0]!));
            foreach (var missing in inCompose.Except(inKubernetes)) failures.Add($"{name}: {missing} is set in docker-compose.yml, not in Kubernetes");
            foreach (var missing in inKubernetes.Except(inCompose)) failures.Add($"{name}: {missing} is set in Kubernetes, not in docker-compose.yml");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Every_broker_client_starts_after_every_topology_step_has_completed()
    {
        // The topology step (as a migration): a one-shot of the service's own image and settings runs
        // `deploy-topology`, and no service starts before all six have ended well.
        var services = Manifests.Compose()["services"]!.AsObject();
        foreach (var name in BrokerClients)
        {
            var service = services[name]!;
            var step = services[name + TopologyStep] ?? throw new InvalidOperationException($"{name}: no {name}{TopologyStep} in docker-compose.yml");
            Assert.Equal(["deploy-topology"], step["command"]!.AsArray().Select(a => (string)a!));
            foreach (var same in new[] { "build", "environment", "volumes" })
            {
                Assert.True(JsonNode.DeepEquals(service[same], step[same]), $"{name}: the topology step's {same} differs from the service's");
            }
            Assert.Null(step["restart"]);
            foreach (var other in BrokerClients)
            {
                Assert.Equal("service_completed_successfully", (string?)service["depends_on"]?[other + TopologyStep]?["condition"]);
            }
        }
    }

    [Fact]
    public void Compose_parks_what_no_queue_hears_as_Kubernetes_does()
    {
        // The broker loads deploy/docker/rabbitmq-definitions.json at boot: the same park policies.
        var rabbit = Manifests.Compose()["services"]!["rabbitmq"]!;
        var mounts = rabbit["volumes"]!.AsArray().Select(v => (string)v!).ToList();
        Assert.Contains("./deploy/docker/rabbitmq-definitions.json:/etc/rabbitmq/definitions.json:ro", mounts);
        Assert.Contains(mounts, m => m.StartsWith("./deploy/docker/rabbitmq.conf:/etc/rabbitmq/conf.d/", StringComparison.Ordinal));
        Assert.Contains("load_definitions = /etc/rabbitmq/definitions.json", File.ReadAllLines(Path.Combine(Manifests.Root, "deploy/docker/rabbitmq.conf")));

        var definitions = JsonNode.Parse(File.ReadAllText(Path.Combine(Manifests.Root, "deploy/docker/rabbitmq-definitions.json")))!;
        var inCompose = definitions["policies"]!.AsArray()
            .Select(p => $"{p!["name"]} {p["pattern"]} {p["apply-to"]} {p["definition"]!.ToJsonString()}").Order();
        var inKubernetes = Manifests.Overlay("dev").OfKind("Policy").Select(p => p["spec"]!)
            .Select(p => $"{p["name"]} {p["pattern"]} {p["applyTo"]} {p["definition"]!.ToJsonString()}").Order();
        Assert.Equal(inKubernetes, inCompose);
        // Loading definitions creates no default user: the file keeps Compose's guest login.
        Assert.Contains(definitions["users"]!.AsArray(), u => (string?)u!["name"] == "guest");
    }

    private static IEnumerable<string> KubernetesSettings(Rendered rendered, JsonObject container)
    {
        foreach (var variable in container["env"]?.AsArray() ?? []) yield return (string)variable!["name"]!;
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            var (kind, reference) = source!["configMapRef"] is { } c ? ("ConfigMap", c) : ("Secret", source["secretRef"]!);
            var data = rendered.Single(kind, (string)reference["name"]!)["data"]?.AsObject() ?? [];
            foreach (var (key, _) in data) yield return key;
        }
    }

    /// <summary>Key ids differ by design (compose-1, k1): a data key is a data key.</summary>
    private static HashSet<string> Normalised(IEnumerable<string> names) =>
        names.Where(n => Compared.IsMatch(n)).Select(n => Regex.Replace(n, "^Encryption__Keys__.+$", "Encryption__Keys__<id>")).ToHashSet();
}
