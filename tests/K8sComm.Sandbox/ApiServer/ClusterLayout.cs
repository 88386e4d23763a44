namespace K8sComm.Sandbox.ApiServer;

/// <summary>One node as the API server knows it: its kubelet's loopback ports.</summary>
public sealed record NodeLayout(string Name, int KubeletPort, int? ReadOnlyPort = null);

/// <summary>Everything the API server must know about the rest of the sandbox to describe it.</summary>
public sealed record ClusterLayout(int ApiServerPort, ApiServerPolicy Policy)
{
    /// <summary>The address the API server listens on (127.0.0.1 or ::1).</summary>
    public string ApiServerAddress { get; init; } = "127.0.0.1";

    /// <summary>host:port, with an IPv6 host in brackets.</summary>
    public string ApiServerAuthority => ApiServerAddress.Contains(':') ? $"[{ApiServerAddress}]:{ApiServerPort}" : $"{ApiServerAddress}:{ApiServerPort}";

    public IReadOnlyList<NodeLayout> Nodes { get; init; } = [];
    public int? EchoHttpPort { get; init; }
    public int? EchoHttpsPort { get; init; }
    public IReadOnlyList<(string Namespace, string Name)> ServiceAccounts { get; init; } = [];
}
