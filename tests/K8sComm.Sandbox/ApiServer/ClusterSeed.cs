using System.Globalization;
using System.Text.Json.Nodes;
using K8sComm.Sandbox.Pki;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// Fills a <see cref="ClusterState"/> with what a freshly installed cluster holds: the default namespaces,
/// one Node per kubelet, the kubernetes and kube-dns services, the other cluster services kubectl cluster-info
/// lists (https ports, load balancers), the kube-apiserver mirror pod whose command
/// line shows the posture, CoreDNS, an optional konnectivity agent, and an echo workload behind a service.
/// </summary>
public static class ClusterSeed
{
    public const string KubernetesVersion = "v1.32.4";
    private static readonly DateTimeOffset Created = DateTimeOffset.UtcNow.AddMinutes(-30);

    public static ClusterState Build(ClusterLayout layout)
    {
        var state = new ClusterState();
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            state.Add("namespaces", Namespace(ns));
        }

        var accounts = new HashSet<(string, string)> { ("default", "default"), ("kube-system", "default"),
            ("kube-public", "default"), ("kube-node-lease", "default"), ("kube-system", "coredns") };
        foreach (var account in layout.ServiceAccounts) accounts.Add(account);
        foreach (var (ns, name) in accounts.OrderBy(a => a))
        {
            if (!state.Exists("namespaces", null, ns)) state.Add("namespaces", Namespace(ns));
            state.Add("serviceaccounts", ServiceAccount(ns, name));
        }

        foreach (var node in layout.Nodes)
        {
            state.Add("nodes", Node(node));
            state.AddKubelet(node.Name, node.KubeletPort, node.ReadOnlyPort);
        }

        state.Add("services", Service("default", "kubernetes", "10.96.0.1",
                Labels(("component", "apiserver"), ("provider", "kubernetes")), null,
                Port("https", 443, layout.ApiServerPort)),
            backed: true);
        state.Add("services", Service("kube-system", "kube-dns", "10.96.0.10",
            Labels(("k8s-app", "kube-dns"), ("kubernetes.io/cluster-service", "true"), ("kubernetes.io/name", "CoreDNS")),
            Labels(("k8s-app", "kube-dns")),
            Port("dns", 53, 53, "UDP"), Port("dns-tcp", 53, 53), Port("metrics", 9153, 9153)));
        AddClusterServices(state);

        var controlPlaneNode = layout.Nodes.FirstOrDefault()?.Name;
        state.Add("pods", ApiServerMirrorPod(layout, controlPlaneNode));
        state.Add("pods", Pod("kube-system", "coredns-7db6d8ff4d-sbx01", Labels(("k8s-app", "kube-dns")), controlPlaneNode,
            Container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3", ["/coredns", "-conf", "/etc/coredns/Corefile"],
                ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP"))));
        if (layout.Policy.EgressSelector)
        {
            state.Add("pods", Pod("kube-system", "konnectivity-agent-sbx01", Labels(("k8s-app", "konnectivity-agent")), controlPlaneNode,
                Container("konnectivity-agent", "registry.k8s.io/kas-network-proxy/proxy-agent:v0.31.0",
                    ["/proxy-agent", "--logtostderr=true", "--ca-cert=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                     "--proxy-server-host=konnectivity-server.kube-system", "--proxy-server-port=8132",
                     "--service-account-token-path=/var/run/secrets/tokens/konnectivity-agent-token"])));
        }

        if (layout.EchoHttpPort is { } http && layout.EchoHttpsPort is { } https)
        {
            state.Add("services", Service("default", "echo", "10.96.100.1", Labels(("app", "echo")), Labels(("app", "echo")),
                Port("http", 80, http), Port("https", 443, https)), backed: true);
            state.Add("pods", Pod("default", "echo-0", Labels(("app", "echo")), controlPlaneNode,
                Container("echo", "sandbox/echo:1", ["/echo"], ("http", http, "TCP"), ("https", https, "TCP"))), backed: true);
        }

        return state;
    }

    /// <summary>
    /// The other kube-system services kubectl cluster-info lists, one for each of its rules: an https port by
    /// name and by number (the <c>https:NAME:</c> form), and load balancers whose ingress is an IP or a hostname
    /// (documentation addresses: shown, never dialled). None has endpoints.
    /// </summary>
    private static void AddClusterServices(ClusterState state)
    {
        var clusterService = ("kubernetes.io/cluster-service", "true");
        state.Add("services", Service("kube-system", "metrics-server", "10.96.0.20",
            Labels(("k8s-app", "metrics-server"), clusterService, ("kubernetes.io/name", "Metrics-server")),
            Labels(("k8s-app", "metrics-server")), Port("https", 443, 10250)));
        state.Add("services", Service("kube-system", "kubernetes-dashboard", "10.96.0.21",
            Labels(("k8s-app", "kubernetes-dashboard"), clusterService),
            Labels(("k8s-app", "kubernetes-dashboard")), Port(null, 443, 8443)));
        state.Add("services", LoadBalancer(Service("kube-system", "ingress-gateway", "10.96.0.30",
            Labels(("app", "ingress-gateway"), clusterService), Labels(("app", "ingress-gateway")),
            Port("http", 80, 8080), Port("https", 443, 8443)), ip: "203.0.113.10"));
        state.Add("services", LoadBalancer(Service("kube-system", "registry-lb", "10.96.0.31",
            Labels(("app", "registry"), clusterService, ("kubernetes.io/name", "Registry")), Labels(("app", "registry")),
            Port("registry", 5000, 5000)), hostname: "registry.sandbox.example"));
    }

    private static JsonObject LoadBalancer(JsonObject service, string? ip = null, string? hostname = null)
    {
        service["spec"]!["type"] = "LoadBalancer";
        var ingress = new JsonObject();
        if (ip is not null) ingress["ip"] = ip;
        if (hostname is not null) ingress["hostname"] = hostname;
        service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(ingress) } };
        return service;
    }

    private static JsonObject Metadata(string name, string? ns = null, JsonObject? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null) metadata["namespace"] = ns;
        metadata["uid"] = ServiceAccountTokenIssuer.StableUid(ns ?? "", name);
        metadata["creationTimestamp"] = Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (labels is not null) metadata["labels"] = labels;
        return metadata;
    }

    private static JsonObject Labels(params (string Key, string Value)[] pairs)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in pairs) labels[key] = value;
        return labels;
    }

    private static JsonObject Namespace(string name) => new()
    {
        ["kind"] = "Namespace",
        ["apiVersion"] = "v1",
        ["metadata"] = Metadata(name, labels: Labels(("kubernetes.io/metadata.name", name))),
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    private static JsonObject ServiceAccount(string ns, string name) => new()
    {
        ["kind"] = "ServiceAccount",
        ["apiVersion"] = "v1",
        ["metadata"] = Metadata(name, ns),
    };

    private static JsonObject Node(NodeLayout node)
    {
        var created = Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "Node",
            ["apiVersion"] = "v1",
            ["metadata"] = Metadata(node.Name, labels: Labels(
                ("kubernetes.io/hostname", node.Name), ("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64"))),
            ["spec"] = new JsonObject { ["podCIDR"] = "10.244.0.0/24" },
            ["status"] = new JsonObject
            {
                ["capacity"] = new JsonObject { ["cpu"] = "2", ["memory"] = "8Gi", ["ephemeral-storage"] = "50Gi", ["pods"] = "110" },
                ["allocatable"] = new JsonObject { ["cpu"] = "2", ["memory"] = "7Gi", ["ephemeral-storage"] = "45Gi", ["pods"] = "110" },
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = "127.0.0.1" },
                    new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
                ["daemonEndpoints"] = new JsonObject
                {
                    ["kubeletEndpoint"] = new JsonObject { ["Port"] = node.KubeletPort },
                },
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady",
                    ["message"] = "kubelet is posting ready status",
                    ["lastHeartbeatTime"] = created, ["lastTransitionTime"] = created,
                }),
                ["nodeInfo"] = new JsonObject
                {
                    ["kubeletVersion"] = KubernetesVersion,
                    ["kubeProxyVersion"] = KubernetesVersion,
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                    ["containerRuntimeVersion"] = "containerd://1.7.22",
                    ["kernelVersion"] = "6.1.0-sandbox",
                    ["osImage"] = "K8sComm sandbox",
                    ["machineID"] = "", ["systemUUID"] = "", ["bootID"] = "",
                },
            },
        };
    }

    private static JsonObject Port(string? name, int port, int targetPort, string protocol = "TCP")
    {
        var entry = new JsonObject { ["protocol"] = protocol, ["port"] = port, ["targetPort"] = targetPort };
        if (name is not null) entry["name"] = name;
        return entry;
    }

    private static JsonObject Service(string ns, string name, string clusterIp, JsonObject labels, JsonObject? selector,
        params JsonObject[] ports)
    {
        var spec = new JsonObject
        {
            ["ports"] = new JsonArray(ports.Cast<JsonNode>().ToArray()),
            ["clusterIP"] = clusterIp,
            ["clusterIPs"] = new JsonArray(clusterIp),
            ["type"] = "ClusterIP",
            ["sessionAffinity"] = "None",
        };
        if (selector is not null) spec["selector"] = selector;
        return new JsonObject
        {
            ["kind"] = "Service",
            ["apiVersion"] = "v1",
            ["metadata"] = Metadata(name, ns, labels),
            ["spec"] = spec,
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
        };
    }

    private static JsonObject Container(string name, string image, string[] command, params (string Name, int Port, string Protocol)[] ports)
    {
        var container = new JsonObject
        {
            ["name"] = name,
            ["image"] = image,
            ["command"] = new JsonArray(command.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
        };
        if (ports.Length > 0)
        {
            container["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name, ["containerPort"] = p.Port, ["protocol"] = p.Protocol,
            }).ToArray());
        }

        return container;
    }

    private static JsonObject Pod(string ns, string name, JsonObject labels, string? nodeName, JsonObject container,
        JsonObject? annotations = null, bool hostNetwork = false)
    {
        var metadata = Metadata(name, ns, labels);
        if (annotations is not null) metadata["annotations"] = annotations;
        var spec = new JsonObject { ["containers"] = new JsonArray(container) };
        if (nodeName is not null) spec["nodeName"] = nodeName;
        if (hostNetwork) spec["hostNetwork"] = true;
        spec["serviceAccountName"] = "default";
        var started = Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "Pod",
            ["apiVersion"] = "v1",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["hostIP"] = "127.0.0.1",
                ["podIP"] = "127.0.0.1",
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "127.0.0.1" }),
                ["startTime"] = started,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container["name"]!.GetValue<string>(),
                    ["ready"] = true,
                    ["restartCount"] = 0,
                    ["image"] = container["image"]!.GetValue<string>(),
                    ["started"] = true,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = started } },
                }),
            },
        };
    }

    /// <summary>A running workload pod with one container and no listener behind it (for lists, paging and watches).</summary>
    public static JsonObject WorkloadPod(string ns, string name, string? nodeName) =>
        Pod(ns, name, Labels(("app", "workload")), nodeName, Container("main", "sandbox/workload:1", ["/workload"]));

    private static JsonObject ApiServerMirrorPod(ClusterLayout layout, string? nodeName)
    {
        var name = nodeName is null ? "kube-apiserver" : $"kube-apiserver-{nodeName}";
        var command = layout.Policy.CommandLine(layout.ApiServerAddress, layout.ApiServerPort).ToArray();
        var annotations = new JsonObject
        {
            ["kubernetes.io/config.mirror"] = ServiceAccountTokenIssuer.StableUid("mirror", name),
            ["kubernetes.io/config.source"] = "file",
            ["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"] = layout.ApiServerAuthority,
        };
        return Pod("kube-system", name, Labels(("component", "kube-apiserver"), ("tier", "control-plane")), nodeName,
            Container("kube-apiserver", $"registry.k8s.io/kube-apiserver:{KubernetesVersion}", command,
                ("https", layout.ApiServerPort, "TCP")),
            annotations, hostNetwork: true);
    }
}
