using System.Text.Json.Nodes;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>Where a proxy request really goes: scheme and loopback port of a sandbox listener.</summary>
public sealed record ProxyTarget(string Scheme, int Port);

/// <summary>
/// The objects the API server serves (namespaces, nodes, pods, services, service accounts), kept as JSON,
/// plus the private wiring behind them: which loopback listener stands behind each service port, pod port and node.
/// </summary>
public sealed class ClusterState
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<JsonObject>> _objects = new();
    private readonly HashSet<(string Namespace, string Name)> _backedServices = [];
    private readonly HashSet<(string Namespace, string Name)> _backedPods = [];
    private readonly Dictionary<string, (int Port, int? ReadOnlyPort)> _kubelets = new();
    private int _resourceVersion = 1;

    /// <summary>Raised after an object is added (a copy), for watches.</summary>
    public event Action<string, JsonObject>? Added;

    public void Add(string resource, JsonObject item, bool backed = false)
    {
        AddStored(resource, item, backed);
        Added?.Invoke(resource, item.DeepClone().AsObject());
    }

    private void AddStored(string resource, JsonObject item, bool backed)
    {
        lock (_gate)
        {
            var metadata = item["metadata"]!.AsObject();
            metadata["resourceVersion"] = (_resourceVersion++).ToString();
            if (!_objects.TryGetValue(resource, out var items)) _objects[resource] = items = [];
            items.Add(item);
            if (backed)
            {
                var key = (Namespace(item) ?? "", Name(item));
                if (resource == "services") _backedServices.Add(key);
                if (resource == "pods") _backedPods.Add(key);
            }
        }
    }

    public string ResourceVersion
    {
        get { lock (_gate) return _resourceVersion.ToString(); }
    }

    public void AddKubelet(string nodeName, int port, int? readOnlyPort)
    {
        lock (_gate) _kubelets[nodeName] = (port, readOnlyPort);
    }

    /// <summary>Copies of the items, so callers may reshape them freely.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? ns)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(resource, out var items)
                ? items.Where(i => ns is null || Namespace(i) == ns).Select(i => i.DeepClone().AsObject()).ToList()
                : [];
        }
    }

    public JsonObject? Get(string resource, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(resource, out var items)
                ? items.FirstOrDefault(i => Name(i) == name && (ns is null || Namespace(i) == ns))?.DeepClone().AsObject()
                : null;
        }
    }

    public bool Exists(string resource, string? ns, string name) => Get(resource, ns, name) is not null;

    /// <summary>services/[scheme:]NAME[:PORT]: the port is a name or a number; a missing one means the first.</summary>
    public ProxyTarget? ResolveService(string ns, string name, string? scheme, string? port, out string? problem)
    {
        problem = null;
        var service = Get("services", ns, name);
        if (service is null) return null;
        bool backed;
        lock (_gate) backed = _backedServices.Contains((ns, name));
        if (!backed)
        {
            problem = $"no endpoints available for service \"{name}\"";
            return null;
        }

        var ports = service["spec"]?["ports"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
        var chosen = port is null
            ? ports.FirstOrDefault()
            : ports.FirstOrDefault(p => p["name"]?.GetValue<string>() == port || p["port"]?.ToString() == port);
        if (chosen is null)
        {
            problem = $"no service port \"{port}\" found for service \"{name}\"";
            return null;
        }

        return new ProxyTarget(scheme ?? "http", chosen["targetPort"]!.GetValue<int>());
    }

    /// <summary>pods/[scheme:]NAME[:PORT]: the port is a container port number or name.</summary>
    public ProxyTarget? ResolvePod(string ns, string name, string? scheme, string? port, out string? problem)
    {
        problem = null;
        var pod = Get("pods", ns, name);
        if (pod is null) return null;
        bool backed;
        lock (_gate) backed = _backedPods.Contains((ns, name));
        var ports = pod["spec"]?["containers"]?.AsArray()
            .SelectMany(c => c!["ports"]?.AsArray().Select(p => p!.AsObject()) ?? []).ToList() ?? [];
        var chosen = port is null
            ? ports.FirstOrDefault()
            : ports.FirstOrDefault(p => p["name"]?.GetValue<string>() == port || p["containerPort"]?.ToString() == port);
        if (!backed || chosen is null)
        {
            problem = $"pod \"{name}\" has nothing listening on port {port ?? "(default)"}";
            return null;
        }

        return new ProxyTarget(scheme ?? "http", chosen["containerPort"]!.GetValue<int>());
    }

    /// <summary>nodes/[scheme:]NAME[:PORT]: the kubelet's HTTPS port unless another port is named (the read-only port speaks HTTP).</summary>
    public ProxyTarget? ResolveNode(string name, string? scheme, string? port, out string? problem)
    {
        problem = null;
        (int Port, int? ReadOnlyPort) kubelet;
        lock (_gate)
        {
            if (!_kubelets.TryGetValue(name, out kubelet)) return null;
        }

        if (port is null) return new ProxyTarget(scheme ?? "https", kubelet.Port);
        if (!int.TryParse(port, out var number) || number is <= 0 or > 65535)
        {
            problem = $"invalid port \"{port}\" for node \"{name}\"";
            return null;
        }

        return new ProxyTarget(scheme ?? (number == kubelet.ReadOnlyPort ? "http" : "https"), number);
    }

    public static string Name(JsonObject item) => item["metadata"]!["name"]!.GetValue<string>();
    public static string? Namespace(JsonObject item) => item["metadata"]?["namespace"]?.GetValue<string>();
}
