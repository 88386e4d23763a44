using Discovery = K8sComm.Core.Discovery;

namespace K8sComm;

/// <summary>The certificate authority a client trusts for an API server.</summary>
public sealed class CertificateAuthority
{
    /// <summary>certificate-authority-data, a file path, ca.crt, or none.</summary>
    public string Source { get; init; } = "none";
    public string? Subject { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    public string? Sha256Fingerprint { get; init; }

    public override string ToString() => Display.Text(Subject ?? Source);

    internal static CertificateAuthority From(Discovery.CertificateAuthorityInfo info) => new()
    {
        Source = info.Source,
        Subject = info.Certificate?.Subject,
        NotAfter = info.Certificate?.NotAfter,
        Sha256Fingerprint = info.Certificate?.Sha256Fingerprint,
    };
}
