using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VulnPlatform.Deployment.Tests;

/// <summary>
/// What an operator relies on in deploy/k8s, checked on the rendered overlays: valid objects, pods
/// that run non-root and read-only within limits, probes, disruption budgets, deny-by-default
/// network policies with only the gateway reachable from the ingress, every secret and setting
/// present, consumers scaled on their queues, replicated PostgreSQL and RabbitMQ.
/// </summary>
[Trait("Servers", "none")]
public sealed class KubernetesManifestTests
{
    /// <summary>The RabbitMQ operators publish no schema any validator here ships; checked by hand below.</summary>
    private static readonly HashSet<string> WithoutPublishedSchema = ["rabbitmq.com/v1beta1/RabbitmqCluster", "rabbitmq.com/v1beta1/Vhost", "rabbitmq.com/v1beta1/User", "rabbitmq.com/v1beta1/Permission", "rabbitmq.com/v1beta1/Policy"];

    private static readonly string[] PlatformServices = ["identity", "intake", "triage", "notification", "vendorcoordination", "disclosure", "web"];

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_object_is_valid_by_the_schema_of_its_kind(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        Assert.True(rendered.Objects.Count > 50, $"{overlay} rendered only {rendered.Objects.Count} objects");
        var problems = rendered.Problems
            .Where(p => !((string?)p["problem"] == "no-schema" && WithoutPublishedSchema.Contains($"{p["apiVersion"]}/{p["kind"]}")))
            .Select(p => $"{p["kind"]} {p["name"]}: {p["problem"]}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_validator_refuses_an_invalid_object()
    {
        // The schema check is real: a Deployment whose replicas is text and whose container has no image.
        var rendered = Manifests.Validate("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: broken }
            spec:
              replicas: "two"
              selector: { matchLabels: { a: b } }
              template:
                metadata: { labels: { a: b } }
                spec:
                  containers: [{ name: app, imagePullPolicy: Sometimes }]
            """);
        Assert.Contains(rendered, p => ((string)p["problem"]!).Contains("replicas"));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void The_RabbitMQ_objects_name_an_existing_cluster_user_and_virtual_host(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var cluster = Assert.Single(rendered.OfKind("RabbitmqCluster"));
        var clusterName = Rendered.Name(cluster);
        var vhost = (string)Assert.Single(rendered.OfKind("Vhost"))["spec"]!["name"]!;
        Assert.Equal(vhost, Setting(rendered, "RabbitMq__VirtualHost"));
        Assert.Equal("true", Setting(rendered, "RabbitMq__QuorumQueues"));
        foreach (var o in rendered.OfKind("Vhost").Concat(rendered.OfKind("User")).Concat(rendered.OfKind("Permission")))
        {
            Assert.Equal(clusterName, (string?)o["spec"]!["rabbitmqClusterReference"]?["name"]);
        }
        var users = rendered.OfKind("User").Select(Rendered.Name).ToHashSet();
        foreach (var permission in rendered.OfKind("Permission"))
        {
            Assert.Contains((string)permission["spec"]!["userReference"]!["name"]!, users);
            Assert.Equal(vhost, (string?)permission["spec"]!["vhost"]);
            foreach (var right in new[] { "configure", "write", "read" })
            {
                _ = new Regex((string)permission["spec"]!["permissions"]![right]!); // a pattern RabbitMQ can use
            }
        }
        // Each service's contract exchanges have its park as alternate exchange, which its own user may declare.
        foreach (var policy in rendered.OfKind("Policy"))
        {
            Assert.Equal(clusterName, (string?)policy["spec"]!["rabbitmqClusterReference"]?["name"]);
            Assert.Equal(vhost, (string?)policy["spec"]!["vhost"]);
            Assert.Equal("exchanges", (string?)policy["spec"]!["applyTo"]);
        }
        var park = rendered.Single("Policy", "vp-unroutable-intake")["spec"]!;
        Assert.Matches((string)park["pattern"]!, "VulnPlatform.Contracts.Intake:ReportSubmitted");
        Assert.DoesNotMatch((string)park["pattern"]!, "VulnPlatform.Contracts.Triage:CaseOpened");
        Assert.Equal("intake.unroutable", (string?)park["definition"]!["alternate-exchange"]);
        Assert.Equal(6, rendered.OfKind("Policy").Count());

        // Each service may write only to its own contracts' exchanges.
        var intake = rendered.Single("Permission", "vp-intake")["spec"]!["permissions"]!;
        Assert.Matches((string)intake["write"]!, "VulnPlatform.Contracts.Intake:ReportSubmitted");
        Assert.DoesNotMatch((string)intake["write"]!, "VulnPlatform.Contracts.Triage:CaseOpened");
        Assert.DoesNotMatch((string)intake["read"]!, "triage.report-submitted");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_container_runs_non_root_read_only_without_privileges_and_within_limits(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var failures = new List<string>();
        foreach (var (deployment, _, pod) in rendered.Workloads())
        {
            var name = Rendered.Name(deployment);
            if ((bool?)pod["automountServiceAccountToken"] != false) failures.Add($"{name}: mounts a service-account token");
            foreach (var container in Containers(pod))
            {
                var at = $"{name}/{container["name"]}";
                var security = container["securityContext"];
                if ((bool?)security?["runAsNonRoot"] != true && (bool?)pod["securityContext"]?["runAsNonRoot"] != true) failures.Add($"{at}: may run as root");
                if ((bool?)security?["readOnlyRootFilesystem"] != true) failures.Add($"{at}: writable root file system");
                if ((bool?)security?["allowPrivilegeEscalation"] != false) failures.Add($"{at}: may escalate privileges");
                if (security?["capabilities"]?["drop"]?.AsArray().Any(c => (string?)c == "ALL") != true) failures.Add($"{at}: keeps capabilities");
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    if (container["resources"]?["limits"]?[resource] is null) failures.Add($"{at}: no {resource} limit");
                    if (container["resources"]?["requests"]?[resource] is null) failures.Add($"{at}: no {resource} request");
                }
                var image = (string)container["image"]!;
                if (!Regex.IsMatch(image, @":[\w.-]+$") || image.EndsWith(":latest", StringComparison.Ordinal)) failures.Add($"{at}: image {image} is not pinned to a tag");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_broker_client_declares_its_topology_before_it_starts(string overlay)
    {
        // The topology step (as a migration): an init container runs the service's own image as
        // `deploy-topology`, with exactly the service's settings, secrets and mounts.
        var rendered = Manifests.Overlay(overlay);
        var clients = rendered.Workloads().Where(w => (string?)w.PodLabels["vulnplatform.io/broker-client"] == "true").ToList();
        Assert.Equal(["disclosure", "identity", "intake", "notification", "triage", "vendorcoordination"], clients.Select(w => Rendered.Name(w.Deployment)).Order());
        foreach (var (deployment, _, pod) in clients)
        {
            var app = (JsonObject)pod["containers"]![0]!;
            var step = (JsonObject)Assert.Single(pod["initContainers"]!.AsArray())!;
            Assert.Equal("topology", (string?)step["name"]);
            Assert.Equal(["deploy-topology"], step["args"]!.AsArray().Select(a => (string)a!));
            foreach (var same in new[] { "image", "env", "envFrom", "volumeMounts", "resources", "securityContext" })
            {
                Assert.True(JsonNode.DeepEquals(app[same], step[same]), $"{Rendered.Name(deployment)}: the topology step's {same} differs from the service's");
            }
        }
        Assert.DoesNotContain(rendered.Workloads(), w => (string?)w.PodLabels["vulnplatform.io/broker-client"] != "true" && w.PodSpec["initContainers"] is not null);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_platform_process_is_probed_on_its_health_endpoints(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        foreach (var service in PlatformServices.Append("gateway"))
        {
            var container = Assert.Single(rendered.Workloads().Single(w => Rendered.Name(w.Deployment) == service).PodSpec["containers"]!.AsArray())!;
            Assert.Equal("/health/live", (string?)container["livenessProbe"]?["httpGet"]?["path"]);
            Assert.NotNull(container["startupProbe"]);
            // The gateway's readiness is its own (one service down must not take the site off the ingress).
            Assert.Equal(service == "gateway" ? "/health/live" : "/health/ready", (string?)container["readinessProbe"]?["httpGet"]?["path"]);
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_workload_has_a_disruption_budget_and_network_policies_of_its_own_under_a_default_deny(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var policies = rendered.OfKind("NetworkPolicy").ToList();
        Assert.Contains(policies, p =>
            p["spec"]!["podSelector"]!.AsObject().Count == 0
            && p["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t).Order().SequenceEqual(["Egress", "Ingress"])
            && p["spec"]!["ingress"] is null && p["spec"]!["egress"] is null);

        var failures = new List<string>();
        foreach (var (deployment, labels, _) in rendered.Workloads())
        {
            var name = Rendered.Name(deployment);
            if (!rendered.OfKind("PodDisruptionBudget").Any(b => Selects(b["spec"]!["selector"]!, labels))) failures.Add($"{name}: no PodDisruptionBudget");
            var own = policies.Where(p => p["spec"]!["podSelector"]!.AsObject().Count > 0 && Selects(p["spec"]!["podSelector"]!, labels)).ToList();
            if (!own.Any(p => p["spec"]!["ingress"] is not null)) failures.Add($"{name}: no NetworkPolicy says who may reach it");
            if (!own.Any(p => p["spec"]!["egress"] is not null)) failures.Add($"{name}: no NetworkPolicy says what it may reach");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Only_the_gateway_is_reachable_from_the_ingress(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var gateway = rendered.Workloads().Single(w => Rendered.Name(w.Deployment) == "gateway").PodLabels;
        var fromIngress = rendered.OfKind("NetworkPolicy")
            .Where(p => p["spec"]!["ingress"]?.AsArray().Any(rule => rule!["from"]?.AsArray().Any(peer =>
                (string?)peer!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"] == "ingress-nginx") == true) == true)
            .ToList();
        Assert.NotEmpty(fromIngress);
        foreach (var policy in fromIngress)
        {
            foreach (var (deployment, labels, _) in rendered.Workloads().Where(w => Rendered.Name(w.Deployment) != "gateway"))
            {
                Assert.False(Selects(policy["spec"]!["podSelector"]!, labels), $"{Rendered.Name(policy)} lets the ingress reach {Rendered.Name(deployment)}");
            }
            Assert.True(Selects(policy["spec"]!["podSelector"]!, gateway));
        }
        var backends = rendered.OfKind("Ingress").SelectMany(i => i["spec"]!["rules"]!.AsArray())
            .SelectMany(r => r!["http"]!["paths"]!.AsArray()).Select(p => (string?)p!["backend"]!["service"]!["name"]).Distinct();
        Assert.Equal(["gateway"], backends);
        // TLS at the ingress, a certificate from cert-manager; HTTPS again to the gateway.
        var ingress = Assert.Single(rendered.OfKind("Ingress"));
        Assert.NotEmpty(ingress["spec"]!["tls"]!.AsArray());
        Assert.Contains(ingress["metadata"]!["annotations"]!.AsObject(), a => a.Key.StartsWith("cert-manager.io/", StringComparison.Ordinal));
        Assert.Equal("HTTPS", (string?)ingress["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/backend-protocol"]);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_secret_and_setting_a_workload_or_operator_refers_to_is_provided(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var secrets = rendered.OfKind("Secret").Select(Rendered.Name)
            .Concat(rendered.OfKind("ExternalSecret").Select(e => (string)e["spec"]!["target"]!["name"]!))
            .Concat(rendered.OfKind("Certificate").Select(c => (string)c["spec"]!["secretName"]!))
            .Concat(rendered.OfKind("Ingress").SelectMany(i => i["spec"]!["tls"]!.AsArray().Select(t => (string)t!["secretName"]!)))
            .Concat(rendered.OfKind("Cluster").Select(c => Rendered.Name(c) + "-ca")) // CloudNativePG's CA
            .ToHashSet();
        var configMaps = rendered.OfKind("ConfigMap").ToDictionary(Rendered.Name);

        var failures = new List<string>();
        void Secret(string? name, string at) { if (name is null || !secrets.Contains(name)) failures.Add($"{at}: secret {name} is provided by nothing"); }
        foreach (var (deployment, _, pod) in rendered.Workloads())
        {
            var at = Rendered.Name(deployment);
            foreach (var volume in pod["volumes"]?.AsArray() ?? [])
            {
                if (volume!["secret"] is { } s) Secret((string?)s["secretName"], at);
            }
            foreach (var container in Containers(pod))
            {
                foreach (var source in container["envFrom"]?.AsArray() ?? [])
                {
                    if (source!["secretRef"] is { } s) Secret((string?)s["name"], at);
                    if (source["configMapRef"] is { } c && !configMaps.ContainsKey((string)c["name"]!)) failures.Add($"{at}: config map {c["name"]} missing");
                }
                foreach (var variable in container["env"]?.AsArray() ?? [])
                {
                    if (variable!["valueFrom"]?["secretKeyRef"] is { } s && (bool?)s["optional"] != true) Secret((string?)s["name"], at);
                    if (variable["valueFrom"]?["configMapKeyRef"] is { } c
                        && !(configMaps.TryGetValue((string)c["name"]!, out var map) && map["data"]?[(string)c["key"]!] is not null))
                    {
                        failures.Add($"{at}: {variable["name"]} reads {c["name"]}/{c["key"]}, which is missing");
                    }
                }
            }
        }
        foreach (var cluster in rendered.OfKind("Cluster"))
        {
            Secret((string?)cluster["spec"]!["bootstrap"]?["initdb"]?["secret"]?["name"], "postgres bootstrap");
            foreach (var role in cluster["spec"]!["managed"]?["roles"]?.AsArray() ?? []) Secret((string?)role!["passwordSecret"]?["name"], $"postgres role {role["name"]}");
            if (cluster["spec"]!["backup"]?["barmanObjectStore"]?["s3Credentials"] is { } s3)
            {
                Secret((string?)s3["accessKeyId"]?["name"], "postgres backups");
                Secret((string?)s3["secretAccessKey"]?["name"], "postgres backups");
            }
        }
        foreach (var user in rendered.OfKind("User")) Secret((string?)user["spec"]!["importCredentialsSecret"]?["name"], $"broker user {Rendered.Name(user)}");
        foreach (var auth in rendered.OfKind("TriggerAuthentication"))
        {
            foreach (var target in auth["spec"]!["secretTargetRef"]!.AsArray()) Secret((string?)target!["name"], $"KEDA {Rendered.Name(auth)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        if (overlay == "prod") Assert.Empty(rendered.OfKind("Secret")); // production secrets come from the secret store only
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Consumers_scale_on_their_own_queues_and_the_http_services_on_cpu(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var scaled = rendered.OfKind("ScaledObject").ToDictionary(s => (string)s["spec"]!["scaleTargetRef"]!["name"]!);
        var autoscaled = rendered.OfKind("HorizontalPodAutoscaler").ToDictionary(h => (string)h["spec"]!["scaleTargetRef"]!["name"]!);
        foreach (var service in PlatformServices.Append("gateway"))
        {
            Assert.True(scaled.ContainsKey(service) ^ autoscaled.ContainsKey(service), $"{service} needs exactly one autoscaler");
        }
        foreach (var consumer in new[] { "intake", "triage", "notification", "vendorcoordination", "disclosure" })
        {
            var triggers = scaled[consumer]["spec"]!["triggers"]!.AsArray();
            var queues = triggers.Single(t => (string?)t!["type"] == "rabbitmq")!["metadata"]!;
            var pattern = new Regex((string)queues["queueName"]!);
            Assert.Matches(pattern, $"{consumer}.report-submitted");
            Assert.DoesNotMatch(pattern, $"{consumer}.report-submitted_error"); // the error queue waits for operators
            Assert.DoesNotMatch(pattern, $"other{consumer}.report-submitted");
            Assert.Equal(Setting(rendered, "RabbitMq__VirtualHost"), (string?)queues["vhostName"]);
            Assert.Contains(triggers, t => (string?)t!["type"] == "cpu");
        }
        foreach (var (name, hpa) in autoscaled)
        {
            Assert.Contains(hpa["spec"]!["metrics"]!.AsArray(), m => (string?)m!["resource"]?["name"] == "cpu");
        }
    }

    [Fact]
    public void Production_keeps_three_copies_of_the_data_and_backs_it_up()
    {
        var rendered = Manifests.Overlay("prod");
        var cluster = rendered.Single("Cluster", "vp-postgres")["spec"]!;
        Assert.Equal(3, (int)cluster["instances"]!);
        Assert.True((int)cluster["minSyncReplicas"]! >= 1, "a committed report must be on a second instance");
        Assert.NotNull(cluster["backup"]!["barmanObjectStore"]);
        Assert.Contains(rendered.OfKind("ScheduledBackup"), b => (string?)b["spec"]!["cluster"]!["name"] == "vp-postgres");
        Assert.Equal(3, (int)rendered.Single("RabbitmqCluster", "vp-rabbitmq")["spec"]!["replicas"]!);
        foreach (var (deployment, _, _) in rendered.Workloads())
        {
            Assert.True((int)deployment["spec"]!["replicas"]! >= 2, $"{Rendered.Name(deployment)} runs once");
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void Every_service_has_a_database_of_its_own_owned_by_its_own_role_with_its_password(string overlay)
    {
        var rendered = Manifests.Overlay(overlay);
        var cluster = rendered.Single("Cluster", "vp-postgres")["spec"]!;
        var owners = rendered.OfKind("Database").ToDictionary(d => (string)d["spec"]!["name"]!, d => (string)d["spec"]!["owner"]!);
        var initdb = cluster["bootstrap"]!["initdb"]!;
        owners[(string)initdb["database"]!] = (string)initdb["owner"]!;
        var passwords = (cluster["managed"]?["roles"]?.AsArray() ?? []).ToDictionary(r => (string)r!["name"]!, r => (string)r!["passwordSecret"]!["name"]!);
        passwords[(string)initdb["owner"]!] = (string)initdb["secret"]!["name"]!;

        var databases = new HashSet<string>();
        foreach (var service in PlatformServices)
        {
            var container = rendered.Workloads().Single(w => Rendered.Name(w.Deployment) == service).PodSpec["containers"]![0]!;
            var env = container["env"]!.AsArray();
            var connection = (string)env.Single(e => (string?)e!["name"] == "ConnectionStrings__Marten")!["value"]!;
            var parts = connection.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var database = parts["Database"];
            Assert.True(databases.Add(database), $"{service} shares database {database}");
            Assert.True(owners.TryGetValue(database, out var owner), $"{service}: no database {database} in the cluster");
            Assert.Equal(owner, parts["Username"]);
            Assert.Equal("VerifyFull", parts["SSL Mode"]);
            var passwordSecret = (string)env.Single(e => (string?)e!["name"] == "DB_PASSWORD")!["valueFrom"]!["secretKeyRef"]!["name"]!;
            Assert.Equal(passwords[owner], passwordSecret);
        }
    }

    private static string? Setting(Rendered rendered, string key) =>
        (string?)rendered.OfKind("ConfigMap").Single(c => Rendered.Name(c).StartsWith("vp-platform", StringComparison.Ordinal))["data"]![key];

    private static IEnumerable<JsonObject> Containers(JsonObject pod) =>
        (pod["containers"]?.AsArray() ?? []).Concat(pod["initContainers"]?.AsArray() ?? []).Select(c => (JsonObject)c!);

    /// <summary>Whether a label selector (matchLabels, matchExpressions) selects pods with these labels.</summary>
    public static bool Selects(JsonNode selector, JsonObject labels)
    {
        string? Label(string key) => (string?)labels[key];
        foreach (var (key, value) in selector["matchLabels"]?.AsObject() ?? [])
        {
            if (Label(key) != (string?)value) return false;
        }
        foreach (var expression in selector["matchExpressions"]?.AsArray() ?? [])
        {
            var key = (string)expression!["key"]!;
            var values = expression["values"]?.AsArray().Select(v => (string?)v).ToHashSet() ?? [];
            var ok = (string)expression["operator"]! switch
            {
                "In" => Label(key) is { } v && values.Contains(v),
                "NotIn" => Label(key) is not { } v || !values.Contains(v),
                "Exists" => Label(key) is not null,
                "DoesNotExist" => Label(key) is null,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}
