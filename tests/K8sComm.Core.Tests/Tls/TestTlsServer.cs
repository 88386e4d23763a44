using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Core.Tests.Tls;

/// <summary>
/// A bare TLS listener on 127.0.0.1 for handshake tests: presents a given chain, or stalls (accepts TCP
/// and never answers). It speaks nothing after the handshake.
/// </summary>
internal sealed class TestTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _loop;

    public TestTlsServer(X509Certificate2? certificate, X509Certificate2[]? intermediates = null, bool stall = false,
        string[]? applicationProtocols = null)
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            var context = certificate is null ? null
                : SslStreamCertificateContext.Create(certificate, new X509Certificate2Collection(intermediates ?? []), offline: true);
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                lock (_clients) _clients.Add(client);
                if (stall || context is null)
                    continue;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = context,
                            ApplicationProtocols = applicationProtocols?.Select(p => new SslApplicationProtocol(p)).ToList(),
                        }, _stop.Token);
                        HandshakesCompleted++;
                        _ = await tls.ReadAsync(new byte[1], _stop.Token); // waits for the client to leave
                    }
                    catch (Exception) { }
                });
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int HandshakesCompleted { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        lock (_clients) _clients.ForEach(c => c.Dispose());
    }
}
