using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Text;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Transport;

/// <summary>
/// A server to talk HTTP to, with no kubeconfig identity attached: where it is, which name its
/// certificate must carry, how it is judged and which client certificate (if any) proves who we are.
/// An API server endpoint becomes one of these; so does a kubelet, which is just host, port and a CA.
/// </summary>
public sealed record ServerTarget
{
    /// <summary>http or https, host, port and any path prefix requests are relative to.</summary>
    public required Uri Server { get; init; }

    /// <summary>SNI and the name the certificate must carry; the server's host when null.</summary>
    public string? ServerName { get; init; }

    /// <summary>An HTTP CONNECT or SOCKS5 hop on the way (see <see cref="Transport.ForwardProxy"/>).</summary>
    public Uri? ForwardProxy { get; init; }

    /// <summary>How the server certificate is judged. Null only together with
    /// <see cref="AcceptAnyServerCertificate"/>.</summary>
    public ServerTrustPolicy? Trust { get; init; }

    /// <summary>Take whatever certificate the server presents: for looking, never for sending secrets.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>Asked for on each new connection; may throw <see cref="K8sCommException"/>.</summary>
    public Func<CancellationToken, ValueTask<X509Certificate2?>>? ClientCertificate { get; init; }

    public bool IsTls => string.Equals(Server.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);

    /// <summary>The host as a socket wants it: IPv6 without brackets.</summary>
    public string Host => TcpConnector.UnbracketedHost(Server);

    public int Port => Server.Port;

    /// <summary>The server for messages: a password or query values replaced (see <see cref="DisplayText.RedactUrl(Uri)"/>).</summary>
    public string Printable => DisplayText.RedactUrl(Server);
}
