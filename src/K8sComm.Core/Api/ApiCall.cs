using System.Text;

namespace K8sComm.Core.Api;

/// <summary>The body types the API server accepts for writes, by the names a user picks.</summary>
public static class ApiContentTypes
{
    public const string Json = "application/json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>json, merge, strategic, json-patch, apply, or a media type as is.</summary>
    public static string Resolve(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "json" => Json,
        "merge" or "merge-patch" => MergePatch,
        "strategic" or "strategic-merge-patch" => StrategicMergePatch,
        "json-patch" or "jsonpatch" => JsonPatch,
        "apply" or "apply-patch" => ApplyPatch,
        _ => name!.Trim(),
    };
}

/// <summary>
/// One API request as a user states it: a method, an absolute API path (it may carry its own query),
/// more query parameters, and an optional body with its media type. Holds no credentials.
/// </summary>
public sealed record ApiCall
{
    public ApiCall(HttpMethod method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Method = method;
        var split = path.Split('?', 2);
        Path = "/" + split[0].TrimStart('/');
        Query = split.Length == 2 ? ParseQuery(split[1]) : [];
    }

    public HttpMethod Method { get; }

    /// <summary>Starts with a slash; without the query.</summary>
    public string Path { get; }

    /// <summary>Decoded names and values, in order; a name may repeat.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; }

    public string? Body { get; init; }
    public string ContentType { get; init; } = ApiContentTypes.Json;

    /// <summary>The server decides reads and deletes alone; anything else changes something.</summary>
    public bool IsRead => Method == HttpMethod.Get || Method == HttpMethod.Head;

    public ApiCall WithQuery(string name, string? value)
    {
        var query = Query.Where(p => p.Key != name).ToList();
        if (value is not null) query.Add(new(name, value));
        return this with { Query = query };
    }

    public ApiCall WithQuery(IEnumerable<KeyValuePair<string, string>> more) =>
        more.Aggregate(this, (call, pair) => call.WithQuery(pair.Key, pair.Value));

    /// <summary>The value of a query parameter, or null.</summary>
    public string? QueryValue(string name) => Query.LastOrDefault(p => p.Key == name).Value;

    /// <summary>Path and encoded query, relative to the server.</summary>
    public string PathAndQuery
    {
        get
        {
            if (Query.Count == 0) return Path;
            var builder = new StringBuilder(Path).Append('?');
            builder.AppendJoin('&', Query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            return builder.ToString();
        }
    }

    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Unescape(p[0]), p.Length == 2 ? Unescape(p[1]) : ""))
            .ToList();

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    /// <summary>The placeholder a path may hold for the caller's namespace.</summary>
    public const string NamespacePlaceholder = "{namespace}";

    /// <summary>
    /// A path as a user may give it, made relative to <paramref name="server"/>: an absolute API path
    /// (<c>/api/v1/namespaces/{namespace}/pods</c>), or a full URL such as a proxy URL (only its path and
    /// query are used: credentials go to <paramref name="server"/> alone, whatever host the URL names).
    /// <c>{namespace}</c> becomes <paramref name="ns"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Neither an absolute path nor an http(s) URL.</exception>
    public static string ResolvePath(string text, Uri server, string ns)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        string pathAndQuery;
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
        {
            pathAndQuery = url.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
            var prefix = server.AbsolutePath.TrimEnd('/');
            if (prefix.Length > 0 && pathAndQuery.StartsWith(prefix + "/", StringComparison.Ordinal))
                pathAndQuery = pathAndQuery[prefix.Length..];
        }
        else if (trimmed.StartsWith('/'))
        {
            pathAndQuery = trimmed;
        }
        else
        {
            throw new ArgumentException(
                $"'{text}' is not an absolute API path (such as /api/v1/namespaces/{{namespace}}/pods) or an http(s) URL.", nameof(text));
        }

        var escaped = Uri.EscapeDataString(ns);
        return pathAndQuery
            .Replace(NamespacePlaceholder, escaped, StringComparison.OrdinalIgnoreCase)
            .Replace("%7Bnamespace%7D", escaped, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Method and path only: a query or body could carry something private.</summary>
    public override string ToString() => $"{Method} {Path}";
}
