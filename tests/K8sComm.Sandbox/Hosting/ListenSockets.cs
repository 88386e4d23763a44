using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace K8sComm.Sandbox.Hosting;

/// <summary>
/// Listening sockets for port 0 that scale to thousands. .NET sets SO_REUSEADDR before every bind on
/// Unix, and for such sockets Linux picks port-0 ports from only a quarter of the ephemeral range; past
/// about 7,000 listeners every further bind scans that quarter and a fleet start takes many seconds.
/// On Linux, IPv4 port-0 listeners are therefore bound natively, without SO_REUSEADDR, which is set
/// only afterwards (so the ports, once released, can be bound again at once, as with .NET's own
/// sockets); everything else, and any failure, takes Kestrel's default path.
/// </summary>
internal static class ListenSockets
{
    const int AF_INET = 2;
    const int SOCK_STREAM = 1;
    const int SOCK_CLOEXEC = 0x80000;

    [StructLayout(LayoutKind.Sequential)]
    struct SockAddrIn
    {
        public ushort Family;
        public ushort Port;    // network byte order
        public uint Address;   // network byte order
        public ulong Zero;
    }

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    static extern int NativeSocket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "bind", SetLastError = true)]
    static extern int NativeBind(int fd, in SockAddrIn address, int length);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    static extern int NativeClose(int fd);

    public static Socket CreateBound(EndPoint endpoint)
    {
        if (OperatingSystem.IsLinux() && endpoint is IPEndPoint { Port: 0, AddressFamily: AddressFamily.InterNetwork } ip
            && TryBindNative(ip.Address) is { } socket)
            return socket;
        return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
    }

    static Socket? TryBindNative(IPAddress address)
    {
        var fd = NativeSocket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return null;
        var sockaddr = new SockAddrIn { Family = AF_INET, Address = BitConverter.ToUInt32(address.GetAddressBytes()) };
        if (NativeBind(fd, sockaddr, Marshal.SizeOf<SockAddrIn>()) != 0)
        {
            NativeClose(fd);
            return null;
        }
        // The Socket reads the bound address back from the descriptor; Kestrel then calls Listen.
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { NoDelay = true };
        // Accepted connections inherit the flag, so their TIME_WAIT leftovers won't block a later bind.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        return socket;
    }
}
