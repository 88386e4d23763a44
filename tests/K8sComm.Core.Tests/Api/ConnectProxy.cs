using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sComm.Core.Tests.Api;

/// <summary>An HTTP CONNECT proxy on 127.0.0.1 that records the authorities it tunnels to.</summary>
internal sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<IDisposable> _open = [];
    private readonly Task _loop;

    public ConnectProxy()
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _open.Add(client);
                _ = Task.Run(() => TunnelAsync(client));
            }
        });
    }

    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
    public ConcurrentQueue<string> Tunnels { get; } = new();

    private async Task TunnelAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n"))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0) return;
                head.Append((char)one[0]);
            }
            var target = head.ToString().Split(' ')[1];
            Tunnels.Enqueue(target);
            var colon = target.LastIndexOf(':');
            var upstream = new TcpClient();
            _open.Add(upstream);
            await upstream.ConnectAsync(target[..colon].Trim('[', ']'), int.Parse(target[(colon + 1)..]), _stop.Token);
            await stream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token);
            var up = upstream.GetStream();
            await Task.WhenAny(stream.CopyToAsync(up, _stop.Token), up.CopyToAsync(stream, _stop.Token));
        }
        catch (Exception)
        {
            // Either side closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        foreach (var item in _open)
            item.Dispose();
    }
}
