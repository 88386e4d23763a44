using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Credentials;

namespace K8sComm.Core.Discovery;

/// <summary>
/// The secret half of an endpoint: what a probe needs to authenticate and to verify the server.
/// It is opaque outside the core and its <see cref="ToString"/> never shows a secret, so it can't
/// leak through formatting, verbose output or an exception message.
/// </summary>
public sealed class EndpointCredentials
{
    /// <summary>PEM or DER bytes of the CA bundle, or null when none is configured.</summary>
    internal byte[]? CertificateAuthorityData { get; init; }

    /// <summary>The certificate-authority file named but not readable: nothing can verify the server then,
    /// and the system store is not a stand-in for the CA the user chose.</summary>
    internal UnreadableFile? CertificateAuthorityUnreadable { get; init; }

    /// <summary>A file the credentials need (client certificate, key, token file) that can't be read: they are
    /// not sent, and steps that need them say so.</summary>
    public UnreadableFile? Unusable { get; init; }

    internal string? BearerToken { get; init; }

    /// <summary>A file to read the token from at request time (it may rotate).</summary>
    internal string? BearerTokenFile { get; init; }

    private readonly Lazy<X509Certificate2>? _clientCertificate;

    /// <summary>The client certificate with its private key, owned by these credentials (don't dispose it).
    /// Built on first use when set through <see cref="ClientCertificateLoader"/>; a key that does not match
    /// then throws <see cref="K8sCommException"/> (CertificateDataInvalid) here.</summary>
    internal X509Certificate2? ClientCertificate
    {
        get => _clientCertificate?.Value;
        init => _clientCertificate = value is null ? null : new(value);
    }

    /// <summary>Defers the private-key import, the costliest step of resolving, to the first request that needs it.</summary>
    internal Func<X509Certificate2>? ClientCertificateLoader
    {
        init => _clientCertificate = value is null ? null : new(value);
    }

    /// <summary>A credential plugin that supplies a token or a client certificate when asked.</summary>
    internal ExecCredentialPlugin? Exec { get; init; }

    internal string? BasicUserName { get; init; }
    internal string? BasicPassword { get; init; }

    public static EndpointCredentials None { get; } = new();

    public bool HasClientCertificate => _clientCertificate is not null;
    public bool HasBearerToken => BearerToken is not null || BearerTokenFile is not null;
    public bool HasBasic => BasicUserName is not null;
    public bool HasExec => Exec is not null;

    /// <summary>Whether any credential at all would be sent.</summary>
    public bool HasAny => HasClientCertificate || HasBearerToken || HasBasic || HasExec;

    /// <summary>The client certificate to present: the configured one, else the plugin's, if it gives one.</summary>
    internal async ValueTask<X509Certificate2?> ClientCertificateAsync(CancellationToken cancellationToken) =>
        ClientCertificate ?? (Exec is null ? null : (await Exec.GetAsync(cancellationToken).ConfigureAwait(false)).ClientCertificate);

    public override string ToString() => "EndpointCredentials (redacted)";
}
