using System.Net;
using System.Net.Sockets;
using K8sComm.Core.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

public class TlsHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Captures_the_presented_chain_leaf_first_with_version_and_alpn()
    {
        using var root = TestPki.CreateCa("root");
        using var intermediate = TestPki.CreateCa("intermediate", issuer: root, notAfter: TestPki.Now.AddMonths(6));
        using var leaf = TestPki.Issue(intermediate, "kube-apiserver", ["kubernetes"], ["127.0.0.1"]);
        await using var server = new TestTlsServer(leaf, [intermediate], applicationProtocols: ["h2", "http/1.1"]);

        var result = await TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", server.Port), Timeout, CancellationToken.None);

        Assert.Equal(["CN=kube-apiserver", "CN=intermediate"], result.ChainFacts.Select(c => c.Subject));
        Assert.Equal("CN=kube-apiserver", result.ServerCertificate!.Subject);
        Assert.StartsWith("TLS 1.", result.Protocol);
        Assert.Equal("h2", result.ApplicationProtocol);
        Assert.NotEmpty(result.CipherSuite);
        // What was captured verifies against the root, so the capture is usable for judging.
        Assert.True(new ChainValidator([TestPki.Bc(root)]).Validate(result.PresentedChain, DateTimeOffset.UtcNow).Trusted);
    }

    [Fact]
    public async Task Accepts_a_certificate_it_would_never_trust()
    {
        using var stranger = TestPki.Issue(null, "stranger", ["elsewhere.test"], notBefore: TestPki.Now.AddDays(-10), notAfter: TestPki.Now.AddDays(-1));
        await using var server = new TestTlsServer(stranger);

        var result = await TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", server.Port), Timeout, CancellationToken.None);

        Assert.True(result.ServerCertificate!.IsSelfSigned);
        Assert.True(result.ServerCertificate.NotAfter < DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_stalled_handshake_ends_as_a_timeout()
    {
        await using var server = new TestTlsServer(null, stall: true);

        var error = await Assert.ThrowsAsync<K8sCommException>(() =>
            TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", server.Port), TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal(FailureReason.Timeout, error.Reason);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_a_timeout()
    {
        await using var server = new TestTlsServer(null, stall: true);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", server.Port), Timeout, cancel.Token));
    }

    [Fact]
    public async Task A_closed_port_is_unreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await Assert.ThrowsAsync<K8sCommException>(() =>
            TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", port), Timeout, CancellationToken.None));

        Assert.Equal(FailureReason.ServerUnreachable, error.Reason);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task A_server_that_is_not_tls_fails_the_handshake()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"u8.ToArray());
        });
        try
        {
            var error = await Assert.ThrowsAsync<K8sCommException>(() =>
                TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port), Timeout, CancellationToken.None));
            Assert.Equal(FailureReason.TlsHandshakeFailed, error.Reason);
        }
        finally
        {
            await serve;
            listener.Stop();
        }
    }
}
