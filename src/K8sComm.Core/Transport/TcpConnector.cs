using K8sComm.Core.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sComm.Core.Transport;

/// <summary>
/// Opens the TCP stream to a server: directly, or through a forward proxy (a kubeconfig's
/// <c>proxy-url</c>: HTTP CONNECT or SOCKS5). The handshake capture and every HTTP client use it, so
/// what a probe sees is the path the client takes.
/// </summary>
internal static class TcpConnector
{
    private const int MaxProxyResponseBytes = 16 * 1024;

    public static async Task<Stream> OpenAsync(string host, int port, Uri? proxy, CancellationToken cancellationToken)
    {
        if (proxy is null)
            return await ConnectTcpAsync(host, port, cancellationToken).ConfigureAwait(false);

        var proxyPort = proxy.Port < 0 ? DefaultProxyPort(proxy) : proxy.Port;
        var stream = await ConnectTcpAsync(UnbracketedHost(proxy), proxyPort, cancellationToken).ConfigureAwait(false);
        try
        {
            switch (proxy.Scheme)
            {
                case "http":
                    await HttpConnectAsync(stream, host, port, proxy, cancellationToken).ConfigureAwait(false);
                    break;
                case "socks5":
                case "socks5h":
                    await Socks5ConnectAsync(stream, host, port, proxy, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new K8sCommException(FailureReason.ForwardProxyFailed,
                        $"The proxy scheme '{proxy.Scheme}' is not supported; use http or socks5.", Redact(proxy));
            }
            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The host as a socket wants it: IPv6 without brackets.</summary>
    public static string UnbracketedHost(Uri uri) =>
        uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;

    /// <summary>A proxy URI safe to print: a password or query values replaced.</summary>
    public static string Redact(Uri proxy) => DisplayText.RedactUrl(proxy);

    private static int DefaultProxyPort(Uri proxy) => proxy.Scheme.StartsWith("socks", StringComparison.Ordinal) ? 1080 : 80;

    private static async Task<Stream> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new K8sCommException(FailureReason.ServerUnreachable,
                $"Can't connect to {FormatAuthority(host, port)}: {e.Message}", FormatAuthority(host, port), innerException: e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task HttpConnectAsync(Stream stream, string host, int port, Uri proxy, CancellationToken cancellationToken)
    {
        var authority = FormatAuthority(host, port);
        var request = new StringBuilder()
            .Append($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(proxy.UserInfo)));
            request.Append($"Proxy-Authorization: Basic {credentials}\r\n");
        }
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);

        // Read the proxy's answer byte by byte up to the blank line, so no tunnelled byte is consumed.
        var response = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(response))
        {
            if (response.Count > MaxProxyResponseBytes || await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
                throw new K8sCommException(FailureReason.ForwardProxyFailed,
                    $"The proxy {Redact(proxy)} closed the connection before answering CONNECT.", Redact(proxy));
            response.Add(one[0]);
        }

        var statusLine = Encoding.ASCII.GetString(response.ToArray()).Split("\r\n")[0];
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || parts[1] != "200")
            throw new K8sCommException(FailureReason.ForwardProxyFailed,
                $"The proxy {Redact(proxy)} refused to connect to {authority}: {statusLine}", Redact(proxy));
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

    private static async Task Socks5ConnectAsync(Stream stream, string host, int port, Uri proxy, CancellationToken cancellationToken)
    {
        var userInfo = Uri.UnescapeDataString(proxy.UserInfo);
        var withPassword = userInfo.Length > 0;
        await stream.WriteAsync(withPassword ? new byte[] { 5, 1, 2 } : [5, 1, 0], cancellationToken).ConfigureAwait(false);
        var choice = await ReadExactlyAsync(stream, 2, proxy, cancellationToken).ConfigureAwait(false);
        if (choice[0] != 5 || choice[1] == 0xFF)
            throw Socks(proxy, "no acceptable authentication method");

        if (choice[1] == 2)
        {
            var separator = userInfo.IndexOf(':');
            var user = Encoding.UTF8.GetBytes(separator < 0 ? userInfo : userInfo[..separator]);
            var password = Encoding.UTF8.GetBytes(separator < 0 ? "" : userInfo[(separator + 1)..]);
            var login = new List<byte> { 1, (byte)user.Length };
            login.AddRange(user);
            login.Add((byte)password.Length);
            login.AddRange(password);
            await stream.WriteAsync(login.ToArray(), cancellationToken).ConfigureAwait(false);
            var status = await ReadExactlyAsync(stream, 2, proxy, cancellationToken).ConfigureAwait(false);
            if (status[1] != 0)
                throw Socks(proxy, "the proxy rejected the user name and password");
        }

        var request = new List<byte> { 5, 1, 0 };
        if (IPAddress.TryParse(host, out var address))
        {
            request.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)4 : (byte)1);
            request.AddRange(address.GetAddressBytes());
        }
        else
        {
            var name = Encoding.ASCII.GetBytes(host);
            request.Add(3);
            request.Add((byte)name.Length);
            request.AddRange(name);
        }
        request.Add((byte)(port >> 8));
        request.Add((byte)port);
        await stream.WriteAsync(request.ToArray(), cancellationToken).ConfigureAwait(false);

        var reply = await ReadExactlyAsync(stream, 4, proxy, cancellationToken).ConfigureAwait(false);
        if (reply[1] != 0)
            throw Socks(proxy, $"the proxy could not connect to {FormatAuthority(host, port)} (code {reply[1]})");
        var addressLength = reply[3] switch
        {
            1 => 4,
            4 => 16,
            3 => (await ReadExactlyAsync(stream, 1, proxy, cancellationToken).ConfigureAwait(false))[0],
            _ => throw Socks(proxy, "malformed reply"),
        };
        await ReadExactlyAsync(stream, addressLength + 2, proxy, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count, Uri proxy, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw Socks(proxy, "the proxy closed the connection");
        }
        return buffer;
    }

    private static K8sCommException Socks(Uri proxy, string why) =>
        new(FailureReason.ForwardProxyFailed, $"SOCKS5 proxy {Redact(proxy)}: {why}.", Redact(proxy));

    internal static string FormatAuthority(string host, int port) =>
        host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
