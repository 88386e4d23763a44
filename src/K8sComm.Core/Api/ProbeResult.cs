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
    public required bool Reachable { get; init; }
    public string? TlsVersion { get; init; }
    public CertificateFacts? ServerCertificate { get; init; }
    public IReadOnlyList<CertificateFacts> PresentedChain { get; init; } = Array.Empty<CertificateFacts>();

    /// <summary>Null when there was nothing to verify against (no CA, or plain http).</summary>
    public bool? ChainTrusted { get; init; }
    public string? ChainError { get; init; }
    public bool? NameMatches { get; init; }
    public string? ServerVersion { get; init; }
    public IReadOnlyList<ServerAddressByClientCidr> ServerAddressByClientCidrs { get; init; } = Array.Empty<ServerAddressByClientCidr>();
    public bool? Live { get; init; }
    public bool? Ready { get; init; }
    public AnonymousAccess AnonymousAccess { get; init; }
    public ProbeIdentity? Identity { get; init; }
    public TimeSpan Latency { get; init; }
    public IReadOnlyList<ProbeStep> Steps { get; init; } = Array.Empty<ProbeStep>();
}
