using System.Net;

namespace K8sComm.Sandbox.Pki;

/// <summary>What to put in a certificate: subject, names, purpose, validity window and key.</summary>
public sealed record CertificateSpec(string Subject)
{
    public IReadOnlyList<string> DnsNames { get; init; } = [];
    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];
    public bool ServerAuth { get; init; }
    public bool ClientAuth { get; init; }
    public KeyKind Key { get; init; } = KeyKind.EcdsaP256;
    public DateTimeOffset NotBefore { get; init; } = DateTimeOffset.UtcNow.AddMinutes(-5);
    public DateTimeOffset NotAfter { get; init; } = DateTimeOffset.UtcNow.AddDays(365);
}
