using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using K8sComm.Core.Transport;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace K8sComm.Core.Tls;

/// <summary>What a server presented in a handshake: its certificates (leaf first, as sent) and the protocol agreed.</summary>
public sealed record HandshakeCapture(IReadOnlyList<BcCertificate> Certificates, string Protocol);

/// <summary>
/// A TLS handshake made by BouncyCastle's own TLS client (TLS 1.2 and 1.3), only to see the chain a server
/// presents. For a fleet of kubelets it costs a fraction of the platform's handshake: SslStream on OpenSSL
/// makes a new TLS context for every connection to an IP address, builds an X509Chain for each server
/// certificate before any callback sees it, and hands the certificates over as platform objects that
/// BouncyCastle then parses again. Here they arrive as the parsed structures the judgement uses.
/// Nothing is trusted: the handshake still checks that the server holds the key of the certificate it
/// sent, and the chain is judged afterwards. No client certificate is presented and nothing is sent
/// after the handshake.
/// </summary>
internal static class ManagedTlsHandshake
{
    private const int BufferBytes = 16 * 1024;

    // Shared by every handshake: thread-safe, its random source is the operating system's.
    private static readonly PlatformAssistedTlsCrypto SharedCrypto = new();

    /// <param name="stream">An open connection to the server (direct or through a proxy); not disposed here.</param>
    /// <exception cref="K8sCommException">TlsHandshakeFailed.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<HandshakeCapture> RunAsync(Stream stream, string host, int port,
        IReadOnlyList<string> applicationProtocols, CancellationToken cancellationToken)
    {
        var client = new CapturingClient(host, applicationProtocols);
        var protocol = new TlsClientProtocol(); // the non-blocking form: we move the bytes
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            protocol.Connect(client);
            while (true)
            {
                // After the last message in, our Finished is waiting: send it, so the server sees a whole handshake.
                await SendPendingAsync(protocol, stream, buffer, cancellationToken).ConfigureAwait(false);
                if (client.Agreed is not null)
                    return new HandshakeCapture(client.Chain, client.Agreed);
                var read = await stream.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw Failed(host, port, "the server closed the connection during the handshake", null);
                protocol.OfferInput(buffer, 0, read);
            }
        }
        catch (TlsFatalAlertReceived e)
        {
            throw Failed(host, port, $"the server ended the handshake with the alert '{AlertDescription.GetText(e.AlertDescription)}'", e);
        }
        catch (TlsFatalAlert e)
        {
            throw Failed(host, port, e.Message, e);
        }
        catch (Exception e) when (e is IOException or TlsException)
        {
            throw Failed(host, port, e.Message, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task SendPendingAsync(TlsClientProtocol protocol, Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        int pending;
        while ((pending = protocol.GetAvailableOutputBytes()) > 0)
        {
            var count = protocol.ReadOutput(buffer, 0, Math.Min(pending, BufferBytes));
            await stream.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
    }

    private static K8sCommException Failed(string host, int port, string why, Exception? inner)
    {
        var authority = TcpConnector.FormatAuthority(host, port);
        return new K8sCommException(FailureReason.TlsHandshakeFailed,
            $"The TLS handshake with {authority} failed: {why.TrimEnd('.')}.", authority, innerException: inner);
    }

    /// <summary>BouncyCastle's default client (its cipher suites, groups and signature schemes), keeping what the server presents.</summary>
    private sealed class CapturingClient(string host, IReadOnlyList<string> applicationProtocols) : DefaultTlsClient(SharedCrypto)
    {
        public IReadOnlyList<BcCertificate> Chain { get; private set; } = [];

        /// <summary>The protocol, once the handshake is complete.</summary>
        public string? Agreed { get; private set; }

        public void Keep(Certificate presented) =>
            Chain = presented.GetCertificateList()
                .Select(c => new BcCertificate(BcTlsCertificate.Convert(SharedCrypto, c).X509CertificateStructure))
                .ToArray();

        public override TlsAuthentication GetAuthentication() => new Capture(this);

        // What the platform offers by default on Linux: TLS 1.3 and 1.2.
        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12);

        protected override IList<ProtocolName> GetProtocolNames() =>
            applicationProtocols.Select(ProtocolName.AsUtf8Encoding).ToList();

        // A host name is sent as SNI, as the platform does; an IP address never is.
        protected override IList<ServerName>? GetSniServerNames()
        {
            if (IPAddress.TryParse(host, out _))
                return null;
            try
            {
                var ascii = new IdnMapping().GetAscii(host.TrimEnd('.'));
                return [new ServerName(NameType.host_name, Encoding.ASCII.GetBytes(ascii))];
            }
            catch (ArgumentException)
            {
                return null; // not a name DNS could hold; the connection was made all the same
            }
        }

        public override void NotifyHandshakeComplete()
        {
            base.NotifyHandshakeComplete();
            Agreed = m_context.ServerVersion.Name;
        }
    }

    private sealed class Capture(CapturingClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) => client.Keep(serverCertificate.Certificate);

        // Asked for a client certificate (a kubelet with clientCAFile asks): present none.
        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) => null;
    }
}
