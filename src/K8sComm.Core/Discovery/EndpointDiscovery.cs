namespace K8sComm.Core.Discovery;

/// <summary>What <c>Get-ApiServerEndpoint</c> asks for. Unset members fall back as kubectl does.</summary>
public sealed record DiscoveryRequest
{
    /// <summary>Explicit kubeconfig files (-Kubeconfig); each must exist.</summary>
    public IReadOnlyList<string>? Kubeconfig { get; init; }

    /// <summary>The kubeconfig's YAML itself (-KubeconfigContent), as runbooks and pipeline secrets hold
    /// it; relative file references resolve against <see cref="WorkingDirectory"/>. Wins over files.</summary>
    public string? KubeconfigContent { get; init; }

    /// <summary>The context to resolve; null for the current one.</summary>
    public string? Context { get; init; }

    /// <summary>Resolve every context instead of one.</summary>
    public bool All { get; init; }

    /// <summary>Use the pod's service account even when a kubeconfig exists.</summary>
    public bool InCluster { get; init; }

    public string? ServiceAccountPath { get; init; }

    /// <summary>Base for relative paths (PowerShell's current location); the process directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT, POD_NAMESPACE; this process's when null.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Where ~/.kube/config lives; the user's profile directory when null.</summary>
    public string? HomeDirectory { get; init; }
}

/// <summary>
/// The whole discovery in kubectl's order: explicit files, else KUBECONFIG, else ~/.kube/config; with
/// no kubeconfig at all and a pod's environment (and no context asked for), the in-cluster endpoint.
/// Open it once, then resolve as many contexts as arrive: the kubeconfig is read only once.
/// </summary>
public sealed class EndpointDiscovery
{
    /// <summary>The name a result carries when it came from the pod, not a kubeconfig context.</summary>
    public const string InClusterContextName = "(in-cluster)";

    /// <summary>The file name kubeconfig content is known by in messages and SourceFile.</summary>
    public const string ContentFileName = "(KubeconfigContent)";

    private readonly Kubeconfig? _config;
    private readonly ContextResolution? _inCluster;
    private readonly EndpointResolver _resolver;

    private EndpointDiscovery(Kubeconfig? config, ContextResolution? inCluster, TimeProvider? clock)
    {
        _config = config;
        _inCluster = inCluster;
        _resolver = new EndpointResolver(clock);
    }

    /// <summary>The kubeconfig files read, in precedence order; empty for the in-cluster endpoint.</summary>
    public IReadOnlyList<string> KubeconfigFiles => _config?.Files ?? [];

    /// <summary>True when the endpoint is the pod's own (asked for, or the fallback).</summary>
    public bool IsInCluster => _inCluster is not null;

    /// <summary>Finds the kubeconfig (or the pod) and reads it. Throws what no context could get past:
    /// nothing found, malformed YAML.</summary>
    public static EndpointDiscovery Open(DiscoveryRequest request, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var environment = request.Environment ?? ProcessEnvironment();
        if (request.InCluster)
        {
            return new(null, InCluster(request, environment, clock), clock);
        }

        if (request.KubeconfigContent is { } content)
        {
            var origin = Path.Combine(request.WorkingDirectory ?? System.Environment.CurrentDirectory, ContentFileName);
            return new(KubeconfigLoader.Parse(origin, content), null, clock);
        }

        var location = KubeconfigLocator.Locate(
            request.Kubeconfig,
            environment.GetValueOrDefault(KubeconfigLocator.VariableName),
            request.HomeDirectory ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
            request.WorkingDirectory);
        if (location.IsEmpty && request.Context is null && InClusterResolver.IsAvailable(environment))
        {
            return new(null, InCluster(request, environment, clock), clock);
        }

        return new(KubeconfigLoader.Load(location, cancellationToken), null, clock);
    }

    /// <summary>One context (null: the current one); a failure is carried on the result, not thrown.</summary>
    public ContextResolution Resolve(string? context)
    {
        if (_inCluster is not null) return _inCluster;
        try
        {
            var endpoint = _resolver.Resolve(_config!, context);
            return new ContextResolution(endpoint.Context!, endpoint, null);
        }
        catch (K8sCommException failure)
        {
            return new ContextResolution(context ?? "", null, failure);
        }
    }

    /// <summary>Every context, each with its own endpoint or error.</summary>
    public IReadOnlyList<ContextResolution> ResolveAll(CancellationToken cancellationToken = default) =>
        _inCluster is not null ? [_inCluster] : _resolver.ResolveAll(_config!, cancellationToken);

    // Like a context, the pod's endpoint carries its failure (say, no token mounted) rather than throwing
    // it, so the caller can still tell the user it went looking in the pod.
    private static ContextResolution InCluster(DiscoveryRequest request, IReadOnlyDictionary<string, string?> environment, TimeProvider? clock)
    {
        try
        {
            return new(InClusterContextName, InClusterResolver.Resolve(environment, request.ServiceAccountPath, clock), null);
        }
        catch (K8sCommException failure)
        {
            return new(InClusterContextName, null, failure);
        }
    }

    private static Dictionary<string, string?> ProcessEnvironment() =>
        new(InClusterResolver.ProcessEnvironment())
        {
            [KubeconfigLocator.VariableName] = System.Environment.GetEnvironmentVariable(KubeconfigLocator.VariableName),
        };
}
