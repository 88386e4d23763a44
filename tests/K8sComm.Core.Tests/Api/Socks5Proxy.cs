using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sComm.Core.Tests.Api;

/// <summary>A SOCKS5 proxy on 127.0.0.1 (no authentication, or user name and password) that records its targets.</summary>
internal sealed class Socks5Proxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<IDisposable> _open = [];
    private readonly (string User, string Password)? _login;
    private readonly Task _loop;

    public Socks5Proxy((string User, string Password)? login = null)
    {
        _login = login;
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _open.Add(client);
                _ = Task.Run(() => ServeAsync(client));
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public ConcurrentQueue<string> Targets { get; } = new();

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var s = client.GetStream();
            var greeting = await ReadAsync(s, 2);
            var methods = await ReadAsync(s, greeting[1]);
            var wanted = _login is null ? (byte)0 : (byte)2;
            if (!methods.Contains(wanted))
            {
                await s.WriteAsync(new byte[] { 5, 0xFF });
                return;
            }
            await s.WriteAsync(new byte[] { 5, wanted });
            if (_login is { } login)
            {
                var version = await ReadAsync(s, 2);
                var user = Encoding.UTF8.GetString(await ReadAsync(s, version[1]));
                var passwordLength = await ReadAsync(s, 1);
                var password = Encoding.UTF8.GetString(await ReadAsync(s, passwordLength[0]));
                var ok = user == login.User && password == login.Password;
                await s.WriteAsync(new byte[] { 1, ok ? (byte)0 : (byte)1 });
                if (!ok) return;
            }
            var head = await ReadAsync(s, 4);
            string host = head[3] switch
            {
                1 => new IPAddress(await ReadAsync(s, 4)).ToString(),
                4 => new IPAddress(await ReadAsync(s, 16)).ToString(),
                _ => Encoding.ASCII.GetString(await ReadAsync(s, (await ReadAsync(s, 1))[0])),
            };
            var portBytes = await ReadAsync(s, 2);
            var port = portBytes[0] << 8 | portBytes[1];
            Targets.Enqueue($"{host}:{port}");
            var upstream = new TcpClient();
            _open.Add(upstream);
            await upstream.ConnectAsync(host, port, _stop.Token);
            await s.WriteAsync(new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 });
            var up = upstream.GetStream();
            await Task.WhenAny(s.CopyToAsync(up, _stop.Token), up.CopyToAsync(s, _stop.Token));
        }
        catch (Exception)
        {
            // Either side closed.
        }
    }

    private async Task<byte[]> ReadAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, _stop.Token);
        return buffer;
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
