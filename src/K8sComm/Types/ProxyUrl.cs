namespace K8sComm;

/// <summary>
/// An API server proxy URL and what it is made of. Its string form is the URL exactly as built (a
/// <see cref="Uri"/>'s own ToString would unescape parts of it), so it can go straight to Invoke-WebRequest,
/// curl or a browser. <see cref="Findings"/> say what the API server's hop to the target does not protect.
/// </summary>
public sealed class ProxyUrl
{
    private readonly string _text = "";
    private Uri? _url;

    /// <summary>The URL as a <see cref="System.Uri"/> whose string form is still the text as built. Parsed when
    /// first read: a pipeline of 150,000 URLs that only passes them on never pays for it.</summary>
    public Uri Url => _url ??= new VerbatimUri(_text);

    internal string Text
    {
        get => _text;
        init => _text = value;
    }

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

    public override string ToString() => _text;
}
