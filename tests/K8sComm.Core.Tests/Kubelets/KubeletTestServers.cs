using System.Net;
using System.Net.Sockets;
using System.Text;
using K8sComm.Core.Kubelets;

namespace K8sComm.Core.Tests.Kubelets;

/// <summary>Small TCP servers on 127.0.0.1 that are not kubelets: for the failures a check must survive.</summary>
internal sealed class TcpTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _open;

    /// <param name="closeAtOnce">Close each connection as soon as it is accepted (no TLS ever happens);
    /// otherwise hold it, silent, until the client goes away.</param>
    public TcpTestServer(bool closeAtOnce)
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
                catch (Exception) { return; }
                Interlocked.Increment(ref Accepted);
                if (closeAtOnce)
                {
                    socket.Dispose();
                    continue;
                }
                _ = HoldAsync(socket);
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Accepted;

    /// <summary>Connections accepted and not yet closed by the client.</summary>
    public int Open => Volatile.Read(ref _open);

    public KubeletTarget Target(string? node = null) => new("127.0.0.1", Port, node);

    private async Task HoldAsync(Socket socket)
    {
        Interlocked.Increment(ref _open);
        try
        {
            var buffer = new byte[4096];
            // Read (and ignore) the ClientHello until the client closes.
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
            {
            }
        }
        catch (Exception)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (bound, read, released).</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

internal static class Authorities
{
    public static KubeletAuthority Of(string pem, string source = "test CA") =>
        KubeletAuthority.FromBundle(Encoding.ASCII.GetBytes(pem), source);
}
