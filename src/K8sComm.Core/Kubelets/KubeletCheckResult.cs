using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace K8sComm.Core.Kubelets;

/// <summary>What one kubelet presented and how it fares; <see cref="Findings"/> hold every problem, worst first.</summary>
public sealed record KubeletCheckResult
{
    public required KubeletTarget Target { get; init; }
    public required KubeletCertificateStatus Status { get; init; }
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>Where the CA bundle that judged the certificate came from, and its subjects.</summary>
    public required string AuthoritySource { get; init; }
    public required IReadOnlyList<string> AuthoritySubjects { get; init; }

    /// <summary>Why there is no certificate to judge (Unreachable, HandshakeFailed); null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>What the server sent, leaf first; empty when there was no handshake.</summary>
    public IReadOnlyList<BcCertificate> PresentedChain { get; init; } = [];

    /// <summary><see cref="PresentedChain"/> as DER, for callers that don't use BouncyCastle.</summary>
    public IReadOnlyList<byte[]> PresentedChainDer => PresentedChain.Select(c => c.GetEncoded()).ToArray();
    public CertificateFacts? Certificate { get; init; }
    public string? TlsVersion { get; init; }

    public ChainProblem ChainProblem { get; init; }
    public string? ChainError { get; init; }
    public bool NameMatches { get; init; }
    public string? NameError { get; init; }

    /// <summary>Whether the node's name is among the DNS SANs; null when the node is not known.</summary>
    public bool? NodeNameInCertificate { get; init; }

    /// <summary>Whole days until the certificate expires (negative once it has).</summary>
    public int? DaysRemaining { get; init; }

    /// <summary>What an anonymous <c>GET /pods</c> got; null when not checked.</summary>
    public AnonymousAccess? AnonymousAccess { get; init; }

    /// <summary>Whether the read-only port served <c>/pods</c>; null when not checked or not known.</summary>
    public bool? ReadOnlyPortOpen { get; init; }

    public TimeSpan Elapsed { get; init; }
}
