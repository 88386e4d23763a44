using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Text;
using Api = K8sComm.Core.Api;

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
    /// <summary>The server as the kubeconfig writes it (<c>https://api.example:443</c>), with any password or
    /// query value replaced by REDACTED. <see cref="ServerUri"/> is the same, parsed.</summary>
    public string Server { get; init; } = "";

    /// <summary>The server as a URI for scripts (its secrets redacted too; the endpoint itself still connects).</summary>
    public Uri ServerUri { get; init; } = null!;
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public EndpointSource Source { get; init; }
    public string? SourceFile { get; init; }
    public string? TlsServerName { get; init; }
    /// <summary>The kubeconfig's proxy-url as written, with any password replaced by REDACTED.</summary>
    public string? ProxyUrl { get; init; }
    public CertificateAuthority CertificateAuthority { get; init; } = null!;
    public bool InsecureSkipTlsVerify { get; init; }
    public ValueList<AuthenticationMethod> Authentication { get; init; } = ValueList<AuthenticationMethod>.Empty;

    /// <summary>What the kubeconfig says and, after -Probe, what the server showed; worst first.</summary>
    public ValueList<Finding> Findings { get; internal set; } = ValueList<Finding>.Empty;

    /// <summary>The worst severity among <see cref="Findings"/>, or null when there are none.</summary>
    public FindingSeverity? WorstSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);

    /// <summary>The verdict at a glance, in the user's language: the worst severity and how many findings, or
    /// that nothing was found.</summary>
    public string Verdict => WorstSeverity is { } worst
        ? string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Strings.Verdict_Findings,
            Finding.SeverityText(worst), Findings.Count)
        : Probe is { Reachable: false } ? Resources.Strings.Verdict_Unreachable
        : Resources.Strings.Verdict_Clean;

    /// <summary>What -Probe found; null without -Probe.</summary>
    public ApiServerProbe? Probe { get; internal set; }

    /// <summary>The core's view, kept to probe this endpoint later (credentials stay opaque).</summary>
    internal ResolvedEndpoint Resolved { get; private init; } = null!;

    // Only the module makes endpoints (an endpoint needs its core view). Without a public constructor,
    // PowerShell can't turn an unrelated pipeline object into an empty endpoint by its properties, so
    // -Endpoint's pipeline binding gives way quickly to a cmdlet's other pipeline parameters.
    private ApiServerEndpoint()
    {
    }

    public override string ToString() => Display.Text(Server);

    /// <summary>Attaches a probe's result and adds what it found to <see cref="Findings"/>, worst first.</summary>
    internal void AttachProbe(Api.ProbeResult result)
    {
        _configured ??= Findings;
        Probe = ApiServerProbe.From(result);
        Findings = new(_configured.Concat(result.Findings.Select(Finding.From)).OrderByDescending(f => f.Severity));
    }

    // The findings of the configuration alone, so probing the same object again replaces the probe's part.
    private ValueList<Finding>? _configured;

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
        Server = DisplayText.RedactUrl(endpoint.ServerText ?? endpoint.Server.OriginalString),
        ServerUri = new Uri(DisplayText.RedactUrl(endpoint.Server)),
        Host = endpoint.Host,
        Port = endpoint.Port,
        Source = Enums.Convert<Core.Discovery.EndpointSource, EndpointSource>(endpoint.Source),
        SourceFile = endpoint.SourceFile,
        TlsServerName = endpoint.TlsServerName,
        ProxyUrl = endpoint.ProxyUrl is null ? null : DisplayText.RedactUrl(endpoint.ProxyUrl),
        CertificateAuthority = CertificateAuthority.From(endpoint.CertificateAuthority),
        InsecureSkipTlsVerify = endpoint.InsecureSkipTlsVerify,
        Authentication = new(endpoint.Authentication.Select(AuthenticationMethod.From)),
        Findings = new(endpoint.Findings.Select(Finding.From)),
        Resolved = endpoint,
    };
}
