namespace K8sComm.Core.ApiProxy;

/// <summary>What the API server's proxy verb reaches: <c>services/</c>, <c>pods/</c> or <c>nodes/</c>.</summary>
public enum ProxyTargetKind
{
    Service,
    Pod,
    Node,
}

/// <summary>The scheme a proxy URL asks the API server to use for its own hop to the target.</summary>
public enum ProxyScheme
{
    /// <summary>No prefix: http for services and pods; for a node, the kubelet's own scheme (https) on its port.</summary>
    Default,
    Http,
    Https,
}
