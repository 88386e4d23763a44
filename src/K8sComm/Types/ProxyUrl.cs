namespace K8sComm;

/// <summary>
/// An API server proxy URL and what it is made of. Its string form is the URL exactly as built (a
/// <see cref="Uri"/>'s own ToString would unescape parts of it), so it can go straight to Invoke-WebRequest,
/// curl or a browser. <see cref="Findings"/> say what the API server's hop to the target does not protect.
/// </summary>
public sealed class ProxyUrl
{
    public Uri Url { get; init; } = null!;
    public ProxyTargetKind Kind { get; init; }

    /// <summary>Null for nodes.</summary>
    public string? Namespace { get; init; }
    public string Name { get; init; } = "";

    /// <summary>What the API server speaks to the target: http, or https (not verified) when asked for, or
    /// for a node without a port, the kubelet's https.</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>The port name or number in the URL; null for the target's default port.</summary>
    public string? Port { get; init; }
    public string? Path { get; init; }
    public string? Query { get; init; }
    public Finding[] Findings { get; init; } = [];

    public override string ToString() => Url.OriginalString;
}
