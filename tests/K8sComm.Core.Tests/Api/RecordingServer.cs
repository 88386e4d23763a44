using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace K8sComm.Core.Tests.Api;

/// <summary>One request as the server saw it.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers,
    bool ClientPresentedCertificate, string? ServerNameIndication)
{
    public string? Authorization => Headers.GetValueOrDefault("authorization");
}

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 (plain, or TLS with a given certificate) that records every
/// request — headers and whether the client presented a certificate — and answers from a fixed table.
/// It shows what a client actually sends, which the sandbox does not expose.
/// </summary>
internal sealed class RecordingServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly Func<RecordedRequest, (int Code, string Body)> _answer;
    private readonly X509Certificate2? _certificate;
    private readonly Task _loop;

    public RecordingServer(X509Certificate2? certificate, Func<RecordedRequest, (int Code, string Body)>? answer = null,
        IPAddress? address = null)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _certificate = certificate;
        _answer = answer ?? (_ => (200, "{}"));
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Presented from the second connection on: a server that changes its certificate.</summary>
    public X509Certificate2? LaterCertificate { get; init; }
    public int Connections;
    /// <summary>Handshakes in which the client presented a certificate, whether or not a request followed.</summary>
    public int ClientCertificatesSeen;
    public Uri Uri
    {
        get
        {
            var local = (IPEndPoint)_listener.LocalEndpoint;
            var host = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
            return new($"{(_certificate is null ? "http" : "https")}://{host}:{local.Port}");
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _clients.Add(client);
            var number = Interlocked.Increment(ref Connections);
            _ = Task.Run(() => ServeAsync(client, number > 1 ? LaterCertificate ?? _certificate : _certificate));
        }
    }

    private async Task ServeAsync(TcpClient client, X509Certificate2? certificate)
    {
        try
        {
            Stream stream = client.GetStream();
            var presented = false;
            string? sni = null;
            if (certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    {
                        presented = cert is not null;
                        if (presented)
                            Interlocked.Increment(ref ClientCertificatesSeen);
                        return true;
                    },
                }, _stop.Token);
                presented = tls.RemoteCertificate is not null;
                sni = string.IsNullOrEmpty(tls.TargetHostName) ? null : tls.TargetHostName;
                stream = tls;
            }

            var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
            while (!_stop.IsCancellationRequested)
            {
                var requestLine = await reader.ReadLineAsync(_stop.Token);
                if (string.IsNullOrEmpty(requestLine))
                    return;
                var headers = new Dictionary<string, string>();
                string? line;
                while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                {
                    var colon = line.IndexOf(':');
                    headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
                }
                if (headers.TryGetValue("content-length", out var length))
                {
                    var body = new char[int.Parse(length)];
                    await reader.ReadBlockAsync(body, _stop.Token);
                }
                var parts = requestLine.Split(' ');
                var request = new RecordedRequest(parts[0], parts[1], headers, presented, sni);
                Requests.Enqueue(request);

                var (code, text) = _answer(request);
                var bytes = Encoding.UTF8.GetBytes(text);
                var head = $"HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(bytes, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
        }
        catch (Exception)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        foreach (var client in _clients)
            client.Dispose();
    }
}
