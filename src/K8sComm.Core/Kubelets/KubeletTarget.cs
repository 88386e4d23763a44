using System.Net;
using k8s.Models;

namespace K8sComm.Core.Kubelets;

/// <summary>The kinds of node address (<c>status.addresses[].type</c>).</summary>
public enum NodeAddressType
{
    InternalIP,
    Hostname,
    ExternalIP,
    InternalDNS,
    ExternalDNS,
}

/// <summary>One kubelet to check: where it listens and, when known, the node it serves.</summary>
/// <param name="Host">A DNS name or an IP address (IPv6 without brackets).</param>
public sealed record KubeletTarget(string Host, int Port, string? NodeName = null)
{
    /// <summary>The kubelet's HTTPS port when the node does not publish one.</summary>
    public const int DefaultPort = 10250;

    /// <summary>The kubelet's plain-HTTP read-only port (off by default since Kubernetes 1.10-ish configs).</summary>
    public const int DefaultReadOnlyPort = 10255;

    /// <summary>Which node address <see cref="Host"/> came from; null when given directly.</summary>
    public NodeAddressType? AddressType { get; init; }

    /// <summary>Where <c>-CheckReadOnlyPort</c> looks.</summary>
    public int ReadOnlyPort { get; init; } = DefaultReadOnlyPort;

    /// <summary>host:port, IPv6 in brackets.</summary>
    public string Authority => $"{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>The address preference of the API server's default
    /// <c>--kubelet-preferred-address-types</c>, narrowed to what a client outside can use.</summary>
    public static IReadOnlyList<NodeAddressType> DefaultAddressPreference { get; } =
        [NodeAddressType.InternalIP, NodeAddressType.Hostname, NodeAddressType.ExternalIP];

    /// <summary>
    /// The kubelet of a node: the first address of the preferred types (in that order), the port from
    /// <c>status.daemonEndpoints.kubeletEndpoint.Port</c> or 10250. Null when the node has no address of
    /// those types.
    /// </summary>
    public static KubeletTarget? ForNode(V1Node node, IReadOnlyList<NodeAddressType>? preference = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return ForNode(node.Metadata?.Name,
            (node.Status?.Addresses ?? []).Select(a => new KeyValuePair<string, string>(a.Type, a.Address)),
            node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port, preference);
    }

    /// <summary>The same from a node's parts (name, address type to address, kubelet port), for nodes
    /// that are not KubernetesClient objects (kubectl's JSON read by a shell).</summary>
    public static KubeletTarget? ForNode(string? name, IEnumerable<KeyValuePair<string, string>> addresses, int? kubeletPort,
        IReadOnlyList<NodeAddressType>? preference = null)
    {
        var known = addresses.Where(a => !string.IsNullOrWhiteSpace(a.Value)).ToList();
        var port = kubeletPort is > 0 and <= 65535 and var p ? p : DefaultPort;
        foreach (var type in preference ?? DefaultAddressPreference)
        {
            var address = known.FirstOrDefault(a => string.Equals(a.Key, type.ToString(), StringComparison.Ordinal));
            if (address.Value is not null)
                return new KubeletTarget(address.Value.Trim(), port, name) { AddressType = type };
        }
        return null;
    }

    /// <summary>
    /// Parses <c>host</c>, <c>host:port</c>, <c>[v6]</c>, <c>[v6]:port</c> or a bare IPv6 address; the
    /// port defaults to 10250. False (with the reason) for anything else.
    /// </summary>
    public static bool TryParseAddress(string text, out KubeletTarget? target, out string? problem)
    {
        target = null;
        problem = null;
        var value = text?.Trim() ?? "";
        string host;
        string? portText = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            if (close < 0) { problem = "an IPv6 address opened with '[' is not closed"; return false; }
            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') { problem = "only ':port' may follow ']'"; return false; }
                portText = rest[1..];
            }
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            { problem = $"'{host}' is not an IPv6 address"; return false; }
        }
        else if (value.Count(c => c == ':') > 1)
        {
            // A bare IPv6 address has no room for a port.
            host = value;
            if (!IPAddress.TryParse(host, out _)) { problem = $"'{host}' is not an IPv6 address (put it in brackets to add a port)"; return false; }
        }
        else
        {
            var colon = value.IndexOf(':');
            host = colon < 0 ? value : value[..colon];
            portText = colon < 0 ? null : value[(colon + 1)..];
        }

        if (host.Length == 0) { problem = "the host is empty"; return false; }
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown) { problem = $"'{host}' is not a host name or IP address"; return false; }
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            problem = $"'{portText}' is not a port (1-65535)";
            return false;
        }
        target = new KubeletTarget(host, port);
        return true;
    }
}
