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
    bool IsSelfSigned);
