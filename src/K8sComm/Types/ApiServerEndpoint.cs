using K8sComm.Core.Api;
using K8sComm.Core.Discovery;

namespace K8sComm;

/// <summary>
/// An API server as a client reaches it: the output of Get-ApiServerEndpoint. Public and in the
/// default load context, so scripts can name it ([K8sComm.ApiServerEndpoint]) and format views bind to
/// it. It never holds a secret.
/// </summary>
public sealed class ApiServerEndpoint
{
    public string? Context { get; init; }
    public string? Cluster { get; init; }
    public string? User { get; init; }
    public string Namespace { get; init; } = "default";
    public Uri Server { get; init; } = null!;
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public EndpointSource Source { get; init; }
    public string? SourceFile { get; init; }
    public string? TlsServerName { get; init; }
    public Uri? ProxyUrl { get; init; }
    public CertificateAuthority CertificateAuthority { get; init; } = null!;
    public bool InsecureSkipTlsVerify { get; init; }
    public AuthenticationMethod[] Authentication { get; init; } = [];
    public Finding[] Findings { get; init; } = [];

    /// <summary>What -Probe found; null without -Probe.</summary>
    public ApiServerProbe? Probe { get; internal set; }

    /// <summary>The core's view, kept to probe this endpoint later (credentials stay opaque).</summary>
    internal ResolvedEndpoint Resolved { get; private init; } = null!;

    public override string ToString() => Server.ToString();

    // One client per API server identity and options for the whole session, not per object: every
    // command resolves its endpoint afresh, and should still reuse the connections and TLS sessions.
    internal ApiServerClient ClientFor(ApiServerClientOptions options) =>
        ApiServerClientPool.Shared.ClientFor(Resolved, options);

    internal static ApiServerEndpoint From(ResolvedEndpoint endpoint) => new()
    {
        Context = endpoint.Context,
        Cluster = endpoint.Cluster,
        User = endpoint.User,
        Namespace = endpoint.Namespace,
        Server = endpoint.Server,
        Host = endpoint.Host,
        Port = endpoint.Port,
        Source = Enums.Convert<Core.Discovery.EndpointSource, EndpointSource>(endpoint.Source),
        SourceFile = endpoint.SourceFile,
        TlsServerName = endpoint.TlsServerName,
        ProxyUrl = endpoint.ProxyUrl,
        CertificateAuthority = CertificateAuthority.From(endpoint.CertificateAuthority),
        InsecureSkipTlsVerify = endpoint.InsecureSkipTlsVerify,
        Authentication = endpoint.Authentication.Select(AuthenticationMethod.From).ToArray(),
        Findings = endpoint.Findings.Select(Finding.From).ToArray(),
        Resolved = endpoint,
    };
}
