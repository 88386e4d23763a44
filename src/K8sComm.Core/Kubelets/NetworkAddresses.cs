using System.Net;
using System.Net.Sockets;

namespace K8sComm.Core.Kubelets;

/// <summary>Which addresses are only reachable from inside some network.</summary>
internal static class NetworkAddresses
{
    /// <summary>RFC 1918, carrier-grade NAT (100.64/10, common for node networks), link-local, and IPv6
    /// unique-local and link-local. Names are not resolved: false.</summary>
    public static bool IsPrivate(string host)
    {
        if (!IPAddress.TryParse(host, out var address))
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => b[0] == 10
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && (b[1] & 0xC0) == 64)
                || (b[0] == 169 && b[1] == 254),
            AddressFamily.InterNetworkV6 => (b[0] & 0xFE) == 0xFC || address.IsIPv6LinkLocal,
            _ => false,
        };
    }
}
