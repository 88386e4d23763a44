namespace K8sComm.Core.ApiProxy;

/// <summary>
/// One proxy target: <c>/api/v1/namespaces/NS/services/[https:]NAME[:PORT]/proxy[/PATH][?QUERY]</c>, pods the
/// same under <c>pods/</c>, nodes <c>/api/v1/nodes/[https:]NAME[:PORT]/proxy</c>.
/// </summary>
/// <param name="Namespace">Required for services and pods; must be null for nodes.</param>
/// <param name="Port">A port name or number (services), a number (pods, nodes), or null for the default port.</param>
/// <param name="Path">The sub-path below <c>/proxy</c>, unencoded; each segment is percent-encoded and a trailing slash kept.</param>
/// <param name="Query">The query, without '?': characters a query may not hold are percent-encoded, nothing else changes.</param>
public sealed record ProxyRequest(
    ProxyTargetKind Kind,
    string? Namespace,
    string Name,
    ProxyScheme Scheme = ProxyScheme.Default,
    string? Port = null,
    string? Path = null,
    string? Query = null)
{
    public static ProxyRequest ForService(string ns, string name, ProxyScheme scheme = ProxyScheme.Default, string? port = null) =>
        new(ProxyTargetKind.Service, ns, name, scheme, port);

    public static ProxyRequest ForPod(string ns, string name, ProxyScheme scheme = ProxyScheme.Default, string? port = null) =>
        new(ProxyTargetKind.Pod, ns, name, scheme, port);

    public static ProxyRequest ForNode(string name, ProxyScheme scheme = ProxyScheme.Default, string? port = null) =>
        new(ProxyTargetKind.Node, null, name, scheme, port);
}
