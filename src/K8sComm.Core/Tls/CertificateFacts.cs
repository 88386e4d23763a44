namespace K8sComm.Core.Tls;

/// <summary>The facts about one X.509 certificate a user needs to judge it; no key material.</summary>
public sealed record CertificateFacts(
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Sha256Fingerprint,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<string> IpAddresses,
    string PublicKeyAlgorithm,
    int PublicKeySize,
    string SignatureAlgorithm,
    bool IsCertificateAuthority,
    Lazy<bool> SelfSigned)
{
    /// <summary>Issued by itself and verified by its own key. Checking the signature starts the
    /// platform's crypto, which costs a first call tens of milliseconds, so it is done when asked.</summary>
    public bool IsSelfSigned => SelfSigned.Value;
}
