using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Tests;

/// <summary>What a TLS handshake showed: the server's certificate.</summary>
internal sealed record Handshake(X509Certificate2 Certificate);

/// <summary>Client-side helpers with short timeouts, so a misbehaving server fails a test instead of hanging it.</summary>
internal static class TlsClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Completes a handshake (trusting anything) and returns what the server presented.</summary>
    public static async Task<Handshake> HandshakeAsync(int port, string targetHost)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        X509Certificate2? presented = null;
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                presented = X509CertificateLoader.LoadCertificate(cert!.GetRawCertData());
                return true;
            },
        }, cts.Token);
        return new Handshake(presented!);
    }

    /// <summary>An HttpClient that accepts any server certificate and may present a client certificate.</summary>
    public static HttpClient Http(X509Certificate2? clientCertificate = null, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
        };
        return new HttpClient(handler) { Timeout = timeout ?? Timeout };
    }
}
