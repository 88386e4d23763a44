using K8sComm.Core.Discovery;

namespace K8sComm.Core.ApiProxy;

/// <summary>
/// What a proxy URL's last hop does and does not protect (the API server to the node, pod or service). The API
/// server authenticates and authorizes the caller; past it, pods and services are reached over plain http, or
/// over https that checks no certificate and presents no client credentials. A node without a port is the
/// kubelet's own port, reached with the API server's kubelet client certificate.
/// </summary>
public static class ProxyFindings
{
    public const string ProxiedHopPlaintext = nameof(ProxiedHopPlaintext);
    public const string ProxiedBackendUnverified = nameof(ProxiedBackendUnverified);
    public const string ProxiedToKubelet = nameof(ProxiedToKubelet);

    private static readonly IReadOnlyList<Finding> Plaintext =
    [
        new(ProxiedHopPlaintext, FindingSeverity.Medium,
            "The API server forwards this request over plain http: the hop to the target is neither encrypted nor " +
            "authenticated, so anyone on that network can read or change it."),
    ];

    private static readonly IReadOnlyList<Finding> Unverified =
    [
        new(ProxiedBackendUnverified, FindingSeverity.Low,
            "The API server forwards this request over https but does not verify the target's certificate and sends " +
            "no client credentials: the hop is encrypted, not authenticated, so it gives no integrity against an " +
            "attacker on that network."),
    ];

    private static readonly IReadOnlyList<Finding> Kubelet =
    [
        new(ProxiedToKubelet, FindingSeverity.Low,
            "This URL reaches the node's kubelet on its own port, with the API server's kubelet client certificate; " +
            "the API server checks the kubelet's serving certificate only when it runs with " +
            "--kubelet-certificate-authority (Test-KubeletCertificate shows whether that certificate verifies)."),
    ];

    public static IReadOnlyList<Finding> For(ProxyRequest request) =>
        request is { Kind: ProxyTargetKind.Node, Port: null } ? Kubelet
        : request.Scheme == ProxyScheme.Https ? Unverified
        : Plaintext;
}
