using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Api;

/// <summary>What an unauthenticated request to the API server gets.</summary>
public enum AnonymousAccess
{
    Unknown,
    /// <summary>401: anonymous requests are switched off.</summary>
    Rejected,
    /// <summary>403: admitted as system:anonymous, then denied by authorization.</summary>
    Denied,
    /// <summary>2xx: anonymous requests are served.</summary>
    Allowed,
}

public enum ProbeStepStatus
{
    Succeeded,
    Failed,
    Skipped,
    /// <summary>The server does not serve what the step asks (e.g. SelfSubjectReview before v1.27): not a failure.</summary>
    NotSupported,
}

/// <summary>One step of a probe: its name, how it ended, why, and how long it took.</summary>
public sealed record ProbeStep(string Name, ProbeStepStatus Status, string? Error, TimeSpan Elapsed);

/// <summary>The authenticated identity the API server reports (SelfSubjectReview).</summary>
public sealed record ProbeIdentity(string UserName, IReadOnlyList<string> Groups);

/// <summary>One row of /api's serverAddressByClientCIDRs.</summary>
public sealed record ServerAddressByClientCidr(string ClientCidr, string ServerAddress);

/// <summary>
/// What a probe of an API server found. Every step's failure is recorded here, never thrown:
/// a half-working endpoint is exactly what a user wants to see.
/// </summary>
public sealed record ProbeResult
{
    /// <summary>A TLS handshake completed (https), or the server answered over plain http.</summary>
    public required bool Reachable { get; init; }
    public string? TlsVersion { get; init; }
    /// <summary>The ALPN protocol the server chose (h2, http/1.1), when it chose one.</summary>
    public string? ApplicationProtocol { get; init; }
    public CertificateFacts? ServerCertificate { get; init; }
    /// <summary>Every certificate the server sent, leaf first.</summary>
    public IReadOnlyList<CertificateFacts> PresentedChain { get; init; } = Array.Empty<CertificateFacts>();

    /// <summary>What the chain was verified against: the endpoint's CA, or the system store when it has none.
    /// Null when no certificate was seen (plain http, or no handshake).</summary>
    public TrustSource? TrustSource { get; init; }
    /// <summary>Null when no certificate was seen (plain http, or no handshake).</summary>
    public bool? ChainTrusted { get; init; }
    public string? ChainError { get; init; }
    /// <summary>The name the certificate must carry: tls-server-name, else the server's host.</summary>
    public string? ServerName { get; init; }
    public bool? NameMatches { get; init; }
    public string? NameError { get; init; }
    /// <summary>Weak keys or signatures in the presented chain, whether or not it is trusted.</summary>
    public IReadOnlyList<string> CertificateWeaknesses { get; init; } = Array.Empty<string>();
    /// <summary>True when the endpoint has credentials but the probe did not send them, because the
    /// server's certificate did not verify or the connection is plain http.</summary>
    public bool CredentialsWithheld { get; init; }
    public string? ServerVersion { get; init; }
    public IReadOnlyList<ServerAddressByClientCidr> ServerAddressByClientCidrs { get; init; } = Array.Empty<ServerAddressByClientCidr>();
    public bool? Live { get; init; }
    public bool? Ready { get; init; }
    public AnonymousAccess AnonymousAccess { get; init; }
    public ProbeIdentity? Identity { get; init; }
    public TimeSpan Latency { get; init; }
    public IReadOnlyList<ProbeStep> Steps { get; init; } = Array.Empty<ProbeStep>();

    /// <summary>A later connection was shown another certificate than the first (see <see cref="ChainTrusted"/>,
    /// which then reflects the worst of them).</summary>
    public bool CertificateChanged { get; init; }

    /// <summary>What the probe found, in the same vocabulary as the kubeconfig's findings, worst first.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = Array.Empty<Finding>();
}
