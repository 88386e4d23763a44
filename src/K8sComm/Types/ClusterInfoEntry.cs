using Proxy = K8sComm.Core.ApiProxy;

namespace K8sComm;

/// <summary>
/// One line of <c>kubectl cluster-info</c> as an object: the control plane, or a cluster service with the URL
/// kubectl shows for it (the API server proxy URL, or http to a load balancer's ingress). Its string form is
/// the URL as kubectl prints it. <see cref="Service"/> and <see cref="Namespace"/> pipe into New-ProxyUrl.
/// </summary>
public sealed class ClusterInfoEntry
{
    /// <summary>"Kubernetes control plane", or the service's kubernetes.io/name label, else its name.</summary>
    public string Name { get; init; } = "";
    public Uri Url { get; init; } = null!;
    public ClusterInfoEntryKind Kind { get; init; }
    public string? Namespace { get; init; }

    /// <summary>The service's own name (null for the control plane).</summary>
    public string? Service { get; init; }

    /// <summary>The service port in the URL: its name for a proxy URL, its number for a load balancer.</summary>
    public string? Port { get; init; }

    /// <summary>http or https: for a service proxy URL, what the API server speaks to the service (https is
    /// kubectl's guess from a first port named https or numbered 443, and is not verified).</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>True when the URL goes to a cloud load balancer's ingress, not through the API server.</summary>
    public bool LoadBalancer { get; init; }

    /// <summary>The kubeconfig context the entry came from (null for an endpoint without one).</summary>
    public string? Context { get; init; }

    public override string ToString() => Url.OriginalString;

    internal static ClusterInfoEntry From(Proxy.ClusterInfoEntry entry, string? context = null) => new()
    {
        Context = context,
        Name = entry.Name,
        Url = new VerbatimUri(entry.Url),
        Kind = Enums.Convert<Proxy.ClusterInfoEntryKind, ClusterInfoEntryKind>(entry.Kind),
        Namespace = entry.Namespace,
        Service = entry.Service,
        Port = entry.Port,
        LoadBalancer = entry.LoadBalancer,
        Scheme = entry.Scheme ?? "http",
    };
}
