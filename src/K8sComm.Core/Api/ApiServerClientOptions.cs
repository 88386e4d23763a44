namespace K8sComm.Core.Api;

/// <summary>How an <see cref="ApiServerClient"/> behaves beyond what the endpoint says.</summary>
public sealed record ApiServerClientOptions
{
    /// <summary>Allow a bearer token or basic credentials over plain http. Off by default: anyone on
    /// the path could read them.</summary>
    public bool AllowUnencryptedAuthentication { get; init; }

    /// <summary>Send no credentials at all: no client certificate, no token, no basic. For seeing what
    /// an anonymous caller gets.</summary>
    public bool Anonymous { get; init; }

    /// <summary>Accept any server certificate. Only together with <see cref="Anonymous"/>: credentials
    /// never go to a server whose certificate did not verify (unless the endpoint itself says
    /// insecure-skip-tls-verify).</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>Bounds TCP connect, proxy tunnel and TLS handshake of each new connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Responses larger than this fail with <see cref="FailureReason.ResponseInvalid"/>.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024 * 1024;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
