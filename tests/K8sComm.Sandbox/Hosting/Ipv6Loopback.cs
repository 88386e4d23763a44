using System.Net;
using System.Net.Sockets;

namespace K8sComm.Sandbox.Hosting;

/// <summary>Whether this machine can listen on [::1] (a container may have IPv6 switched off even where the OS supports it).</summary>
public static class Ipv6Loopback
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!Socket.OSSupportsIPv6) return false;
        try
        {
            var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });

    public static bool IsAvailable => Available.Value;

    public const string MissingReason = "this machine has no IPv6 loopback ([::1] can't be bound)";
}
