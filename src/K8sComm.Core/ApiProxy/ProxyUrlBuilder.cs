using System.Text;

namespace K8sComm.Core.ApiProxy;

/// <summary>
/// Builds API server proxy URLs. Names, namespaces and ports are checked against Kubernetes' own rules, so the
/// name segment always splits back the way the API server splits it (SplitSchemeNamePort); the sub-path and
/// query are encoded by <see cref="ProxyEncoding"/>. The base URL's text is worked out once, so building is
/// string work only. Thread-safe.
/// </summary>
public sealed class ProxyUrlBuilder
{
    [ThreadStatic]
    private static StringBuilder? t_buffer;

    private readonly string _prefix;

    /// <param name="baseUri">The API server (or a <c>kubectl proxy</c>) as an absolute http(s) URL; any path
    /// prefix it has is kept. Null builds server-relative paths (<c>/api/v1/...</c>).</param>
    /// <exception cref="K8sCommException">ProxyBaseInvalid.</exception>
    public ProxyUrlBuilder(Uri? baseUri = null)
    {
        _prefix = baseUri is null ? "" : PrefixOf(baseUri);
    }

    /// <summary>The text every URL starts with: scheme, authority and path prefix, without a trailing slash.</summary>
    public string Prefix => _prefix;

    /// <exception cref="K8sCommException">ProxyNameInvalid, ProxyPortInvalid or ProxyPathInvalid; never a URL for bad input.</exception>
    public string Build(ProxyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = t_buffer ??= new StringBuilder(256);
        url.Clear();
        url.Append(_prefix);
        AppendResourcePath(url, request);
        url.Append("/proxy");
        ProxyEncoding.AppendPath(url, request.Path);
        ProxyEncoding.AppendQuery(url, request.Query);
        var text = url.ToString();
        if (url.Capacity > 4096)
            t_buffer = null; // don't keep a huge buffer alive for one long path
        return text;
    }

    /// <summary>The name segment as the API server reads it: <c>[https:]NAME[:PORT]</c> (<c>https:NAME:</c> for https without a port).</summary>
    /// <exception cref="K8sCommException">ProxyNameInvalid or ProxyPortInvalid.</exception>
    public static string NameSegment(ProxyRequest request)
    {
        var text = new StringBuilder(64);
        Validate(request);
        AppendNameSegment(text, request);
        return text.ToString();
    }

    /// <summary>The effective scheme of the API server's hop to the target: what it will actually speak.</summary>
    public static string EffectiveScheme(ProxyRequest request) =>
        request.Scheme == ProxyScheme.Https ? "https"
        : request is { Kind: ProxyTargetKind.Node, Port: null } ? "https" // the kubelet's own port and scheme
        : "http";

    private static void AppendResourcePath(StringBuilder url, ProxyRequest request)
    {
        Validate(request);
        url.Append("/api/v1/");
        switch (request.Kind)
        {
            case ProxyTargetKind.Service:
                url.Append("namespaces/").Append(request.Namespace).Append("/services/");
                break;
            case ProxyTargetKind.Pod:
                url.Append("namespaces/").Append(request.Namespace).Append("/pods/");
                break;
            default:
                url.Append("nodes/");
                break;
        }
        AppendNameSegment(url, request);
    }

    // JoinSchemeNamePort: a scheme needs all three parts, so https without a port keeps its trailing colon.
    private static void AppendNameSegment(StringBuilder url, ProxyRequest request)
    {
        if (request.Scheme == ProxyScheme.Https)
            url.Append("https:").Append(request.Name).Append(':').Append(request.Port);
        else if (request.Port is not null)
            url.Append(request.Name).Append(':').Append(request.Port);
        else
            url.Append(request.Name);
    }

    private static void Validate(ProxyRequest request)
    {
        switch (request.Kind)
        {
            case ProxyTargetKind.Service:
                RequireNamespace(request);
                if (!KubernetesNames.IsDns1123Label(request.Name))
                    throw NameInvalid("service", request.Name, Dns1123LabelRule);
                break;
            case ProxyTargetKind.Pod:
                RequireNamespace(request);
                if (!KubernetesNames.IsDns1123Subdomain(request.Name))
                    throw NameInvalid("pod", request.Name, Dns1123SubdomainRule);
                break;
            case ProxyTargetKind.Node:
                if (request.Namespace is not null)
                    throw new ArgumentException("Nodes are not namespaced.", nameof(request));
                if (!KubernetesNames.IsDns1123Subdomain(request.Name))
                    throw NameInvalid("node", request.Name, Dns1123SubdomainRule);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown proxy target kind.");
        }
        ValidatePort(request);
    }

    private static void RequireNamespace(ProxyRequest request)
    {
        if (request.Namespace is null || !KubernetesNames.IsDns1123Label(request.Namespace))
            throw NameInvalid("namespace", request.Namespace ?? "", Dns1123LabelRule);
    }

    // Only services resolve port names (to a service port); for pods and nodes the API server dials
    // host:PORT as written, so a name would be looked up as a well-known service, not a container port.
    private static void ValidatePort(ProxyRequest request)
    {
        if (request.Port is not { } port)
            return;
        if (KubernetesNames.IsPortNumber(port, out _))
            return;
        if (request.Kind == ProxyTargetKind.Service && KubernetesNames.IsValidPortName(port))
            return;
        var kind = request.Kind.ToString().ToLowerInvariant();
        var rule = request.Kind == ProxyTargetKind.Service
            ? "a port number 1-65535 or a port name (1-15 lower-case letters, digits and single inner hyphens, with at least one letter)"
            : $"a port number 1-65535 (the API server does not resolve port names for a {kind})";
        throw new K8sCommException(FailureReason.ProxyPortInvalid, $"The port '{port}' is not {rule}.", port, [port, kind]);
    }

    private const string Dns1123LabelRule = "DNS-1123 label";
    private const string Dns1123SubdomainRule = "DNS-1123 subdomain";

    private static K8sCommException NameInvalid(string what, string value, string rule)
    {
        var detail = rule == Dns1123LabelRule
            ? "at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
            : "at most 253 characters: DNS-1123 labels joined by '.'";
        return new(FailureReason.ProxyNameInvalid, $"The {what} name '{value}' is not a valid {rule} ({detail}).", value,
            [what, value, rule]);
    }

    /// <summary>
    /// The base as text, path prefix kept and trailing slash dropped. The text is taken as written where it is
    /// plain (so a URL matches what kubectl prints for the same server); user-info, query and fragment are dropped.
    /// </summary>
    private static string PrefixOf(Uri baseUri)
    {
        if (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("http" or "https") || baseUri.Host.Length == 0)
        {
            var shown = baseUri.IsAbsoluteUri ? baseUri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped) : baseUri.OriginalString;
            throw new K8sCommException(FailureReason.ProxyBaseInvalid,
                $"The base URL '{shown}' is not an absolute http or https URL.", shown, [shown, "it is not an absolute http or https URL"]);
        }

        var original = baseUri.OriginalString.Trim();
        var plain = original.StartsWith(baseUri.Scheme + "://", StringComparison.OrdinalIgnoreCase)
            && baseUri.UserInfo.Length == 0 && original.IndexOfAny(['?', '#', '\\', ' ']) < 0;
        var text = plain ? original : baseUri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return text.TrimEnd('/');
    }
}
