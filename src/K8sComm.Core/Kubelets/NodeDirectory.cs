using System.Globalization;
using System.Text.Json;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using k8s.Models;
using K8sComm.Core.Api;

namespace K8sComm.Core.Kubelets;

/// <summary>Reads nodes from the API server: the whole list in pages (<c>limit</c>/<c>continue</c>), or by name.</summary>
public static class NodeDirectory
{
    public const int DefaultPageSize = 500;

    /// <summary>Every node, one paged list request. Nodes arrive page by page, so checks can start early.</summary>
    /// <exception cref="K8sCommException">Transport failures and API errors (ApiForbidden when listing nodes is not allowed).</exception>
    public static async IAsyncEnumerable<V1Node> ListAsync(ApiServerClient client, int pageSize = DefaultPageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        string? next = null;
        do
        {
            var path = $"/api/v1/nodes?limit={pageSize.ToString(CultureInfo.InvariantCulture)}"
                + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next));
            var page = await ReadPageAsync(client, path, cancellationToken).ConfigureAwait(false);
            foreach (var node in page.Items)
                yield return node;
            next = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (next is not null);
    }

    // A page of a big cluster is megabytes of JSON: read from the stream rather than through one large string,
    // and only what addressing a kubelet needs is taken from each node (see NodePage).
    private static async Task<NodePage> ReadPageAsync(ApiServerClient client, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw ApiStatusException.FromResponse((int)response.StatusCode, response.ReasonPhrase, body, path);
        }
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return NodePage.Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new K8sCommException(FailureReason.ResponseInvalid,
                $"The response to {path} is not valid JSON for V1NodeList ({e.Message}).", path, innerException: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new K8sCommException(FailureReason.ResponseInvalid, $"The response to {path} broke off: {e.Message}", path, innerException: e);
        }
    }

    /// <summary>
    /// A page of the node list with what a kubelet check needs from each node: its name, addresses and
    /// kubelet port. Binding whole nodes to KubernetesClient's models (status, images, conditions, ...) cost
    /// more, in a fresh process, than checking the first thousand kubelets.
    /// </summary>
    private sealed record NodePage(List<V1Node> Items, string? Continue)
    {
        /// <exception cref="JsonException">The page is not shaped like a V1NodeList.</exception>
        public static NodePage Read(JsonElement list)
        {
            if (list.ValueKind != JsonValueKind.Object)
                throw new JsonException("the body is not an object");
            var items = new List<V1Node>();
            if (list.TryGetProperty("items", out var array) && array.ValueKind != JsonValueKind.Null)
            {
                foreach (var item in Array(array, "items"))
                    items.Add(Node(item));
            }
            var next = Child(list, "metadata") is { } metadata ? Text(metadata, "continue") : null;
            return new NodePage(items, next);
        }

        private static V1Node Node(JsonElement item)
        {
            var status = Child(item, "status");
            var port = status is { } s && Child(s, "daemonEndpoints") is { } endpoints && Child(endpoints, "kubeletEndpoint") is { } kubelet
                && kubelet.TryGetProperty("Port", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
                ? number : (int?)null;
            return new V1Node
            {
                Metadata = new V1ObjectMeta { Name = Child(item, "metadata") is { } metadata ? Text(metadata, "name") : null },
                Status = status is null ? null : new V1NodeStatus
                {
                    Addresses = status.Value.TryGetProperty("addresses", out var addresses) && addresses.ValueKind != JsonValueKind.Null
                        ? Array(addresses, "addresses").Select(a => new V1NodeAddress { Address = Text(a, "address") ?? "", Type = Text(a, "type") ?? "" }).ToList()
                        : null,
                    DaemonEndpoints = port is null ? null : new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = port.Value } },
                },
            };
        }

        private static JsonElement? Child(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
                ? child : null;

        private static string? Text(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;

        private static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : throw new JsonException($"'{name}' is not an array");
    }

    /// <summary>
    /// The nodes whose names match any of the patterns (PowerShell-style wildcards <c>*</c>, <c>?</c>,
    /// <c>[a-z]</c>; case-insensitive, as Kubernetes names are lower case). Names without wildcards are
    /// read one by one; any wildcard lists once. <paramref name="unmatched"/> gets each pattern that
    /// matched nothing (a literal name the API server does not know).
    /// </summary>
    public static async IAsyncEnumerable<V1Node> FindAsync(ApiServerClient client, IReadOnlyList<string> patterns,
        Action<string> unmatched, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (patterns.All(p => !HasWildcard(p)))
        {
            foreach (var name in patterns.Distinct(StringComparer.Ordinal))
            {
                V1Node? node;
                try
                {
                    node = await client.GetAsync<V1Node>("/api/v1/nodes/" + Uri.EscapeDataString(name), cancellationToken).ConfigureAwait(false);
                }
                catch (ApiStatusException e) when (e.Reason == FailureReason.ApiNotFound)
                {
                    node = null;
                }
                if (node is null)
                    unmatched(name);
                else
                    yield return node;
            }
            yield break;
        }

        var matchers = patterns.Select(p => (Pattern: p, Regex: WildcardRegex(p))).ToList();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var node in ListAsync(client, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var name = node.Metadata?.Name ?? "";
            var hits = matchers.Where(m => m.Regex.IsMatch(name)).ToList();
            if (hits.Count == 0)
                continue;
            hits.ForEach(m => matched.Add(m.Pattern));
            yield return node;
        }
        foreach (var pattern in patterns.Where(p => !matched.Contains(p)))
            unmatched(pattern);
    }

    public static bool HasWildcard(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>PowerShell's wildcard grammar as a regex: * any run, ? one character, [..] a set or range, ` escapes.</summary>
    internal static Regex WildcardRegex(string pattern)
    {
        var text = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    text.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*':
                    text.Append(".*");
                    break;
                case '?':
                    text.Append('.');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        text.Append(@"\[");
                        break;
                    }
                    text.Append('[').Append(pattern[(i + 1)..close].Replace(@"\", @"\\").Replace("^", @"\^")).Append(']');
                    i = close;
                    break;
                default:
                    text.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(text.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}

/// <summary>A kubelet to check, or why a node (or a name) yields none.</summary>
public readonly record struct KubeletTargetResolution(KubeletTarget? Target, K8sCommException? Error);

/// <summary>The kubelets of nodes the API server knows: each node read, addressed, or reported.</summary>
public static class KubeletTargets
{
    /// <param name="patterns">Node names or wildcard patterns; null for every node.</param>
    /// <exception cref="K8sCommException">Listing failed (transport, API errors such as ApiForbidden).</exception>
    public static async IAsyncEnumerable<KubeletTargetResolution> FromApiServerAsync(ApiServerClient client,
        IReadOnlyList<string>? patterns, IReadOnlyList<NodeAddressType>? preference,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var unmatched = new List<string>();
        var nodes = patterns is null
            ? NodeDirectory.ListAsync(client, cancellationToken: cancellationToken)
            : NodeDirectory.FindAsync(client, patterns, unmatched.Add, cancellationToken);
        await foreach (var node in nodes.ConfigureAwait(false))
        {
            var target = KubeletTarget.ForNode(node, preference);
            if (target is not null)
            {
                yield return new(target, null);
                continue;
            }
            var name = node.Metadata?.Name ?? "";
            var types = string.Join(", ", preference ?? KubeletTarget.DefaultAddressPreference);
            yield return new(null, new K8sCommException(FailureReason.NodeAddressMissing,
                $"The node '{name}' has no address of the types {types}.", name, [name, types]));
        }
        foreach (var name in unmatched)
            yield return new(null, new K8sCommException(FailureReason.NodeNotFound, $"No node matches '{name}'.", name, [name]));
    }
}
