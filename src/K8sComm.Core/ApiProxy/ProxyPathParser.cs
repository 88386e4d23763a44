namespace K8sComm.Core.ApiProxy;

/// <summary>A proxy path split the way the API server splits it.</summary>
/// <param name="Scheme">"", "http" or "https", as SplitSchemeNamePort returns it.</param>
/// <param name="Port">"" when none was given.</param>
/// <param name="SubPath">What follows <c>/proxy</c>, still encoded ("" when nothing does).</param>
public sealed record ParsedProxyPath(
    ProxyTargetKind Kind, string? Namespace, string Name, string Scheme, string Port, string SubPath, string Query);

/// <summary>
/// Reads a server-relative proxy path back: the resource path as the API server's request-info parser sees it
/// (<c>/api/v1/[namespaces/NS/]RESOURCE/NAME/proxy</c>) and the name segment by apimachinery's
/// SplitSchemeNamePort. Used to check that what <see cref="ProxyUrlBuilder"/> writes means what was asked.
/// </summary>
public static class ProxyPathParser
{
    private static readonly string[] ValidSchemes = ["http", "https", ""];

    /// <summary>apimachinery's SplitSchemeNamePort: <c>name</c>, <c>name:port</c> or <c>scheme:name:port</c>;
    /// the name must be non-empty and the scheme "", "http" or "https".</summary>
    public static bool SplitSchemeNamePort(string id, out string scheme, out string name, out string port)
    {
        scheme = name = port = "";
        var parts = id.Split(':');
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                (name, port) = (parts[0], parts[1]);
                break;
            case 3:
                (scheme, name, port) = (parts[0], parts[1], parts[2]);
                break;
            default:
                return false;
        }
        if (name.Length > 0 && ValidSchemes.Contains(scheme))
            return true;
        scheme = name = port = "";
        return false;
    }

    /// <param name="path">A server-relative path (<c>/api/v1/...</c>), optionally with a query.</param>
    public static bool TryParse(string path, out ParsedProxyPath? parsed)
    {
        parsed = null;
        var question = path.IndexOf('?');
        var query = question < 0 ? "" : path[(question + 1)..];
        var segments = (question < 0 ? path : path[..question]).Split('/');
        // "", "api", "v1", then either "nodes", NAME, "proxy" or "namespaces", NS, RESOURCE, NAME, "proxy".
        if (segments.Length < 6 || segments[0] != "" || segments[1] != "api" || segments[2] != "v1")
            return false;

        ProxyTargetKind kind;
        string? ns = null;
        int nameIndex;
        if (segments[3] == "nodes")
        {
            (kind, nameIndex) = (ProxyTargetKind.Node, 4);
        }
        else if (segments[3] == "namespaces" && segments.Length >= 8 && segments[5] is "services" or "pods")
        {
            (kind, ns, nameIndex) = (segments[5] == "services" ? ProxyTargetKind.Service : ProxyTargetKind.Pod, segments[4], 6);
        }
        else
        {
            return false;
        }

        if (segments[nameIndex + 1] != "proxy" || !SplitSchemeNamePort(segments[nameIndex], out var scheme, out var name, out var port))
            return false;
        var rest = segments.Length > nameIndex + 2 ? "/" + string.Join('/', segments[(nameIndex + 2)..]) : "";
        parsed = new ParsedProxyPath(kind, ns, name, scheme, port, rest, query);
        return true;
    }
}
