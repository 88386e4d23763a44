using K8sComm.Core.Tls;

namespace K8sComm.Core.Discovery;

/// <summary>Where an endpoint's settings came from.</summary>
public enum EndpointSource
{
    Kubeconfig,
    InCluster,
    /// <summary>Given directly: a server URL with its own credentials, no kubeconfig.</summary>
    Direct,
}

/// <summary>How a client proves who it is to the API server (secrets themselves are never here).</summary>
public enum AuthenticationKind
{
    ClientCertificate,
    Token,
    TokenFile,
    Exec,
    AuthProvider,
    Basic,
}

/// <summary>One way the user authenticates; <see cref="Detail"/> is safe to show (an exec command,
/// a provider name, a token file path), never a credential.</summary>
public sealed record AuthenticationMethod(
    AuthenticationKind Kind,
    string? Detail = null,
    string? Subject = null,
    DateTimeOffset? NotAfter = null);

public enum FindingSeverity
{
    Info,
    Low,
    Medium,
    High,
    /// <summary>Open to anyone right now (a kubelet API that serves anonymous callers).</summary>
    Critical,
}

/// <summary>Something about an endpoint a user should know: a stable id, a severity and a sentence.
/// <see cref="Arguments"/> fill the localized sentence named after the id (a date, a user name).</summary>
public sealed record Finding(string Id, FindingSeverity Severity, string Message, IReadOnlyList<string>? Arguments = null);

/// <summary>What the kubeconfig (or the pod) says about the API server's certificate authority.</summary>
public sealed record CertificateAuthorityInfo(
    string Source,
    CertificateFacts? Certificate);

/// <summary>
/// An API server endpoint as a client would reach it: the resolved context, cluster, user and
/// namespace, with the facts a user may see. Credentials travel separately, in
/// <see cref="Credentials"/>, which never prints a secret.
/// </summary>
public sealed record ResolvedEndpoint
{
    public required string? Context { get; init; }
    public required string? Cluster { get; init; }
    public required string? User { get; init; }
    public required string Namespace { get; init; }
    /// <summary>The server for connecting (may hold user-info: show <see cref="ServerText"/> redacted instead).</summary>
    public required Uri Server { get; init; }

    /// <summary>The server exactly as the kubeconfig writes it (<c>https://api.example:443</c> stays so), as
    /// <c>kubectl config view</c> shows it; null means <see cref="Server"/>'s original string.</summary>
    public string? ServerText { get; init; }
    public required EndpointSource Source { get; init; }

    /// <summary>The file that defined the cluster, or the service-account directory.</summary>
    public string? SourceFile { get; init; }
    public string? TlsServerName { get; init; }
    public Uri? ProxyUrl { get; init; }
    public required CertificateAuthorityInfo CertificateAuthority { get; init; }
    public bool InsecureSkipTlsVerify { get; init; }
    public IReadOnlyList<AuthenticationMethod> Authentication { get; init; } = Array.Empty<AuthenticationMethod>();
    public IReadOnlyList<Finding> Findings { get; init; } = Array.Empty<Finding>();

    /// <summary>Files the kubeconfig names that can't be read (each also a <see cref="FindingIds.FileUnreadable"/> finding).</summary>
    public IReadOnlyList<UnreadableFile> UnreadableFiles { get; init; } = Array.Empty<UnreadableFile>();
    public required EndpointCredentials Credentials { get; init; }

    /// <summary>The host as it appears in a URL: IPv6 addresses are bracketed.</summary>
    public string Host => Server.Host;
    public int Port => Server.Port;
}
