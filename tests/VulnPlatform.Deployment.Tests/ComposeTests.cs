using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VulnPlatform.Deployment.Tests;

/// <summary>
/// docker-compose.yml and the Kubernetes manifests describe the same platform: the same processes,
/// and every setting of a service's own (its sections, its keys, its clients, the gateway's routes)
/// given in both. A setting added to one and forgotten in the other fails here.
/// </summary>
public sealed class ComposeTests
{
    private static readonly string[] Infrastructure = ["postgres", "rabbitmq", "trace-viewer", "mail"];

    /// <summary>The settings compared: everything but what each runtime provides its own way.</summary>
    private static readonly Regex Compared = new(
        "^(ConnectionStrings__|Encryption__|InternalApi__|Identity__|Notification__Client__|Coordination__|Disclosure__|Web__|ReverseProxy__|Authentication__|PublicOrigin$|SecurityTxt__|OTEL_EXPORTER_OTLP_ENDPOINT$)");

    [Fact]
    public void Compose_runs_the_same_processes_as_Kubernetes()
    {
        var compose = Manifests.Compose()["services"]!.AsObject().Select(s => s.Key).Except(Infrastructure).Order();
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
