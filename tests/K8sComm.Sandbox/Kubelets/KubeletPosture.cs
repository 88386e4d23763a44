using K8sComm.Sandbox.Faults;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>Which serving certificate a sandbox kubelet presents.</summary>
public enum KubeletCertificateKind
{
    /// <summary>Signed by the cluster CA; SANs are the node name and 127.0.0.1 (what serverTLSBootstrap yields).</summary>
    CaSigned,
    /// <summary>What a kubelet generates for itself without a serving certificate: CN "&lt;node&gt;@&lt;unix-time&gt;", issued by a throwaway "&lt;node&gt;-ca@&lt;unix-time&gt;" CA.</summary>
    SelfSigned,
    /// <summary>Signed by the cluster CA, validity ended yesterday.</summary>
    Expired,
    /// <summary>Signed by the cluster CA, validity starts tomorrow.</summary>
    NotYetValid,
    /// <summary>Signed by the cluster CA for names that are not this node's (wrong-node.invalid, 10.255.255.1).</summary>
    SanMismatch,
    /// <summary>Signed by the cluster CA over an RSA 1024-bit key.</summary>
    WeakKey,
    /// <summary>Signed by the cluster CA with a SHA-1 signature, over an RSA 2048-bit key.</summary>
    Sha1Signature,
    /// <summary>Right names and dates, but signed by a CA the cluster does not know.</summary>
    WrongCa,
}

/// <summary>What an unauthenticated caller gets from a kubelet (or the API server).</summary>
public enum AnonymousMode
{
    /// <summary>Anonymous auth off: 401.</summary>
    Rejected,
    /// <summary>Admitted as system:anonymous, then denied by the authorizer: 403.</summary>
    DeniedByAuthorization,
    /// <summary>Admitted and allowed (authorization mode AlwaysAllow): 200.</summary>
    Allowed,
}

/// <summary>
/// How one sandbox kubelet is set up. <paramref name="Faults"/> apply to both of its ports (a stalled
/// handshake on the plain-HTTP read-only port simply never answers).
/// </summary>
public sealed record KubeletPosture(
    KubeletCertificateKind Certificate = KubeletCertificateKind.CaSigned,
    AnonymousMode Anonymous = AnonymousMode.Rejected,
    bool ReadOnlyPort = false,
    FaultPlan? Faults = null)
{
    /// <summary>A hardened kubelet: CA-signed certificate, anonymous rejected, no read-only port.</summary>
    public static KubeletPosture Secure { get; } = new();

    /// <summary>The weak certificate kinds, in the order the Insecure sandbox posture cycles through them.</summary>
    public static IReadOnlyList<KubeletCertificateKind> WeakCertificates { get; } =
    [
        KubeletCertificateKind.SelfSigned, KubeletCertificateKind.Expired, KubeletCertificateKind.NotYetValid,
        KubeletCertificateKind.SanMismatch, KubeletCertificateKind.WeakKey, KubeletCertificateKind.Sha1Signature,
        KubeletCertificateKind.WrongCa,
    ];

    /// <summary>An exposed kubelet: the <paramref name="index"/>-th weak certificate kind (cycling), anonymous allowed, read-only port open.</summary>
    public static KubeletPosture Insecure(int index) =>
        new(WeakCertificates[index % WeakCertificates.Count], AnonymousMode.Allowed, ReadOnlyPort: true);
}
