namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// A request path read the way the API server reads it: either a resource request
/// (/api/v1/..., /apis/GROUP/VERSION/...) with verb, namespace, resource, name and subresource,
/// or a non-resource path such as /version or /healthz.
/// </summary>
public sealed record RequestInfo(string Verb, string Path)
{
    public bool IsResourceRequest { get; init; }
    public string Group { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Namespace { get; init; }
    public string Resource { get; init; } = "";
    public string? Name { get; init; }
    public string? Subresource { get; init; }
    /// <summary>What follows the subresource, e.g. the backend path of a proxy request (without leading slash).</summary>
    public string Remainder { get; init; } = "";

    public static RequestInfo Parse(string method, string path, bool watch)
    {
        var segments = path.Split('/', StringSplitOptions.None).Skip(1).ToArray();
        int index;
        string group, version;
        if (segments.Length >= 2 && segments[0] == "api" && segments[1].Length > 0)
        {
            (group, version, index) = ("", segments[1], 2);
        }
        else if (segments.Length >= 3 && segments[0] == "apis" && segments[1].Length > 0 && segments[2].Length > 0)
        {
            (group, version, index) = (segments[1], segments[2], 3);
        }
        else
        {
            return new RequestInfo(NonResourceVerb(method), path);
        }

        var rest = segments[index..];
        if (rest.Length == 0 || rest[0].Length == 0) return new RequestInfo(NonResourceVerb(method), path);

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3)
        {
            ns = rest[1];
            rest = rest[2..];
        }
        else if (rest[0] == "namespaces" && rest.Length == 2)
        {
            // /api/v1/namespaces/NAME is the namespace object itself.
            ns = rest[1];
        }

        var resource = rest[0];
        var name = rest.Length > 1 && rest[1].Length > 0 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        var remainder = rest.Length > 3 ? string.Join('/', rest[3..]) : "";

        return new RequestInfo(ResourceVerb(method, name is not null, watch), path)
        {
            IsResourceRequest = true,
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = resource,
            Name = name,
            Subresource = subresource,
            Remainder = remainder,
        };
    }

    private static string NonResourceVerb(string method) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" => "get",
        "POST" => "post",
        "PUT" => "put",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => method.ToLowerInvariant(),
    };

    private static string ResourceVerb(string method, bool named, bool watch) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" when watch => "watch",
        "GET" or "HEAD" => named ? "get" : "list",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => named ? "delete" : "deletecollection",
        _ => method.ToLowerInvariant(),
    };
}
