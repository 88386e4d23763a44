namespace K8sComm.Sandbox.ApiServer;

/// <summary>The NAME segment of a proxy path: <c>[scheme:]name[:port]</c>.</summary>
public static class ProxyName
{
    public static (string? Scheme, string Name, string? Port) Parse(string segment)
    {
        var parts = segment.Split(':');
        return parts.Length switch
        {
            1 => (null, parts[0], null),
            2 => (null, parts[0], NullIfEmpty(parts[1])),
            _ => (NullIfEmpty(parts[0]), parts[1], NullIfEmpty(string.Join(':', parts[2..]))),
        };
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
