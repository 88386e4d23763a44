namespace K8sComm.Core.Discovery;

/// <summary>What <c>Get-ApiServerEndpoint</c> asks for. Unset members fall back as kubectl does.</summary>
public sealed record DiscoveryRequest
{
    /// <summary>Explicit kubeconfig files (-Kubeconfig); each must exist.</summary>
    public IReadOnlyList<string>? Kubeconfig { get; init; }

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
/// </summary>
public static class EndpointDiscovery
{
    /// <summary>One result per endpoint. A single context that fails throws; with <see cref="DiscoveryRequest.All"/>
    /// each failing context carries its own error.</summary>
    public static IReadOnlyList<ContextResolution> Discover(
        DiscoveryRequest request, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var environment = request.Environment ?? ProcessEnvironment();
        if (request.InCluster)
        {
            return [InCluster(request, environment, clock)];
        }

        var location = KubeconfigLocator.Locate(
            request.Kubeconfig,
            environment.GetValueOrDefault(KubeconfigLocator.VariableName),
            request.HomeDirectory ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
            request.WorkingDirectory);
        if (location.IsEmpty && request.Context is null && InClusterResolver.IsAvailable(environment))
        {
            return [InCluster(request, environment, clock)];
        }

        var config = KubeconfigLoader.Load(location, cancellationToken);
        var resolver = new EndpointResolver(clock);
        if (request.All)
        {
            return resolver.ResolveAll(config, cancellationToken);
        }

        var endpoint = resolver.Resolve(config, request.Context);
        return [new ContextResolution(endpoint.Context!, endpoint, null)];
    }

    private static ContextResolution InCluster(DiscoveryRequest request, IReadOnlyDictionary<string, string?> environment, TimeProvider? clock) =>
        new(InClusterContextName, InClusterResolver.Resolve(environment, request.ServiceAccountPath, clock), null);

    /// <summary>The name a result carries when it came from the pod, not a kubeconfig context.</summary>
    public const string InClusterContextName = "(in-cluster)";

    private static Dictionary<string, string?> ProcessEnvironment() =>
        new[] { KubeconfigLocator.VariableName, InClusterResolver.HostVariable, InClusterResolver.PortVariable, InClusterResolver.PodNamespaceVariable }
            .ToDictionary(name => name, System.Environment.GetEnvironmentVariable, StringComparer.Ordinal);
}
