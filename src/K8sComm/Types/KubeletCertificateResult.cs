using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Kubelets;
using CoreStatus = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm;

/// <summary>
/// One kubelet's serving certificate as the API server with --kubelet-certificate-authority would judge
/// it: the output of Test-KubeletCertificate. <see cref="Status"/> is the most severe problem; every
/// problem is one of <see cref="Findings"/>.
/// </summary>
public sealed class KubeletCertificateResult
{
    /// <summary>The node, or null for a kubelet tested by -Address.</summary>
    public string? Node { get; init; }
    public string Address { get; init; } = "";
    public int Port { get; init; }
    /// <summary>Which node address was dialled; null for -Address.</summary>
    public NodeAddressType? AddressType { get; init; }
    public KubeletCertificateStatus Status { get; init; }

    /// <summary>Where the CA bundle that judged the certificate came from, and its certificates' subjects.</summary>
    public string CertificateAuthority { get; init; } = "";
    public ValueList<string> CertificateAuthoritySubjects { get; init; } = ValueList<string>.Empty;

    public string? Subject { get; init; }
    public string? Issuer { get; init; }
    public ValueList<string> DnsNames { get; init; } = ValueList<string>.Empty;
    public ValueList<string> IpAddresses { get; init; } = ValueList<string>.Empty;
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    /// <summary>Whole days until expiry (negative once expired).</summary>
    public int? DaysRemaining { get; init; }
    /// <summary>"ECDSA 256", "RSA 2048".</summary>
    public string? PublicKey { get; init; }
    public string? SignatureAlgorithm { get; init; }
    public string? Sha256Fingerprint { get; init; }

    // DER as the kubelet sent it, leaf first. The X509Certificate2 objects are made on first use: over a
    // fleet, most results are filtered and never show their certificate, and each object costs native memory.
    private IReadOnlyList<byte[]> _presented = [];
    private X509Certificate2[]? _certificates;

    /// <summary>The serving certificate itself (public part), for Export-Certificate-style use.</summary>
    public X509Certificate2? Certificate => Certificates.FirstOrDefault();

    /// <summary>What the kubelet sent after its certificate (intermediates), if anything.</summary>
    public ValueList<X509Certificate2> Chain => new(Certificates.Skip(1));

    private X509Certificate2[] Certificates =>
        LazyInitializer.EnsureInitialized(ref _certificates, () => _presented.Select(der => new X509Certificate2(der)).ToArray());

    public string? ChainError { get; init; }
    public bool NameMatches { get; init; }
    public string? NameError { get; init; }
    /// <summary>Whether the node's name is among the DNS names; null when the node is not known.</summary>
    public bool? NodeNameInCertificate { get; init; }
    public string? TlsVersion { get; init; }

    /// <summary>What an anonymous GET /pods got (-CheckAuthentication); null when not checked.</summary>
    public AnonymousAccess? AnonymousAccess { get; init; }
    /// <summary>Whether the read-only port served /pods (-CheckReadOnlyPort); null when not checked or unknown.</summary>
    public bool? ReadOnlyPortOpen { get; init; }

    /// <summary>Why nothing could be judged (Unreachable, HandshakeFailed).</summary>
    public string? Error { get; init; }
    public ValueList<Finding> Findings { get; init; } = ValueList<Finding>.Empty;

    /// <summary>The most severe finding's id, for the table view and quick filters.</summary>
    public string? WorstFinding => Findings.Count > 0 ? Findings[0].Id : null;

    public override string ToString() => Display.Text($"{Node ?? Address}: {Status}");

    // Names and sentences that come from the kubelet's certificate or the network: made safe to show.
    private static string? Shown(string? text) => text is null ? null : Display.Text(text);

    internal static KubeletCertificateResult From(KubeletCheckResult result)
    {
        var facts = result.Certificate;
        return new()
        {
            Node = result.Target.NodeName,
            Address = result.Target.Host,
            Port = result.Target.Port,
            AddressType = result.Target.AddressType is { } type ? Enums.Convert<Core.Kubelets.NodeAddressType, NodeAddressType>(type) : null,
            Status = Enums.Convert<CoreStatus, KubeletCertificateStatus>(result.Status),
            CertificateAuthority = result.AuthoritySource,
            CertificateAuthoritySubjects = new(result.AuthoritySubjects.Select(Display.Text)),
            Subject = Shown(facts?.Subject),
            Issuer = Shown(facts?.Issuer),
            DnsNames = facts is null ? ValueList<string>.Empty : new(facts.DnsNames.Select(Display.Text)),
            IpAddresses = facts is null ? ValueList<string>.Empty : new(facts.IpAddresses),
            NotBefore = facts?.NotBefore,
            NotAfter = facts?.NotAfter,
            DaysRemaining = result.DaysRemaining,
            PublicKey = facts is null ? null : $"{facts.PublicKeyAlgorithm} {facts.PublicKeySize}",
            SignatureAlgorithm = facts?.SignatureAlgorithm,
            Sha256Fingerprint = facts?.Sha256Fingerprint,
            _presented = result.PresentedChainDer,
            ChainError = Shown(result.ChainError),
            NameMatches = result.NameMatches,
            NameError = Shown(result.NameError),
            NodeNameInCertificate = result.NodeNameInCertificate,
            TlsVersion = result.TlsVersion,
            AnonymousAccess = result.AnonymousAccess is { } access ? Enums.Convert<Core.Api.AnonymousAccess, AnonymousAccess>(access) : null,
            ReadOnlyPortOpen = result.ReadOnlyPortOpen,
            Error = Shown(result.Error),
            Findings = new(result.Findings.Select(Finding.From)),
        };
    }
}
