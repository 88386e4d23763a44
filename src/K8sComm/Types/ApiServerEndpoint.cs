using System.Collections.Concurrent;
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

    // One client per options, for as long as this object lives: a script that keeps the endpoint in a
    // variable keeps its connections and TLS sessions too.
    private readonly ConcurrentDictionary<ApiServerClientOptions, ApiServerClient> _clients = new();

    public override string ToString() => Server.ToString();

    internal ApiServerClient ClientFor(ApiServerClientOptions options) =>
        _clients.GetOrAdd(options, o => new ApiServerClient(Resolved, o));

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
