using K8sComm.Core.Tls;

namespace K8sComm;

/// <summary>The facts about a certificate a user judges it by.</summary>
public sealed class CertificateSummary
{
    public string Subject { get; init; } = "";
    public string Issuer { get; init; } = "";
    public ValueList<string> DnsNames { get; init; } = ValueList<string>.Empty;
    public ValueList<string> IpAddresses { get; init; } = ValueList<string>.Empty;
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset NotAfter { get; init; }
    public string Sha256Fingerprint { get; init; } = "";
    public string PublicKey { get; init; } = "";
    public string SignatureAlgorithm { get; init; } = "";

    public override string ToString() => Display.Text(Subject);

    internal static CertificateSummary From(CertificateFacts facts) => new()
    {
        Subject = facts.Subject,
        Issuer = facts.Issuer,
        DnsNames = new(facts.DnsNames),
        IpAddresses = new(facts.IpAddresses),
        NotBefore = facts.NotBefore,
        NotAfter = facts.NotAfter,
        Sha256Fingerprint = facts.Sha256Fingerprint,
        PublicKey = $"{facts.PublicKeyAlgorithm} {facts.PublicKeySize}",
        SignatureAlgorithm = facts.SignatureAlgorithm,
    };
}
