namespace K8sComm.Core.Kubelets;

/// <summary>
/// The one-word verdict on a kubelet: what the API server, given <c>--kubelet-certificate-authority</c>,
/// would make of its serving certificate. Where several problems hold, the most severe wins (see
/// <see cref="KubeletStatuses.Severity"/>); every one of them is also a finding.
/// </summary>
public enum KubeletCertificateStatus
{
    /// <summary>Chains to the CA, names what was dialled, in date, strong key and signature.</summary>
    Trusted,
    /// <summary>Does not chain to the CA (another CA, a missing intermediate, a bad signature, not for servers).</summary>
    Untrusted,
    /// <summary>Self-signed, typically the kubelet's own certificate: it was never given a serving certificate.</summary>
    SelfSigned,
    Expired,
    NotYetValid,
    /// <summary>Chains to the CA but does not name the address that was dialled.</summary>
    NameMismatch,
    /// <summary>An RSA key under 2048 bits or a curve under P-256.</summary>
    WeakKey,
    /// <summary>Signed with SHA-1 or MD5, which Go (the API server) refuses.</summary>
    WeakSignature,
    /// <summary>No TCP connection.</summary>
    Unreachable,
    /// <summary>Connected, but no TLS handshake.</summary>
    HandshakeFailed,
}

public static class KubeletStatuses
{
    // Most severe first. A connection failure leaves nothing else to judge; of the certificate problems, not
    // chaining to the CA at all is worst, then dates, then names, then weaknesses Go still tolerates.
    private static readonly KubeletCertificateStatus[] BySeverity =
    [
        KubeletCertificateStatus.Unreachable,
        KubeletCertificateStatus.HandshakeFailed,
        KubeletCertificateStatus.Untrusted,
        KubeletCertificateStatus.SelfSigned,
        KubeletCertificateStatus.Expired,
        KubeletCertificateStatus.NotYetValid,
        KubeletCertificateStatus.WeakSignature,
        KubeletCertificateStatus.NameMismatch,
        KubeletCertificateStatus.WeakKey,
        KubeletCertificateStatus.Trusted,
    ];

    /// <summary>Higher is worse; Trusted is 0.</summary>
    public static int Severity(KubeletCertificateStatus status) => BySeverity.Length - 1 - Array.IndexOf(BySeverity, status);

    /// <summary>The most severe of the statuses; Trusted when there are none.</summary>
    public static KubeletCertificateStatus Worst(IEnumerable<KubeletCertificateStatus> statuses) =>
        statuses.DefaultIfEmpty(KubeletCertificateStatus.Trusted).MaxBy(Severity);
}
