using System.Management.Automation;
using K8sComm.Core;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Resources;

namespace K8sComm.Commands.Base;

/// <summary>
/// The one way every cmdlet that talks to an API server is told which one, and as whom: a kubeconfig
/// (files, or its YAML as content) and a context, the pod's own service account, or an endpoint object
/// from the pipeline (any cmdlet's, so a script connects once). The derived cmdlet declares -Context
/// itself, since whether it takes one context or many, and from the pipeline or not, is its own business.
/// </summary>
public abstract class ApiServerCmdlet : K8sCommCmdlet
{
    private EndpointDiscovery? _discovery;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Kubeconfig { get; set; }

    /// <summary>The kubeconfig's YAML itself. It may hold secrets: it is never echoed anywhere.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KubeconfigContent { get; set; }

    [Parameter]
    public SwitchParameter InCluster { get; set; }

    /// <summary>On its own it means in-cluster, with the service account mounted here.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServiceAccountPath { get; set; }

    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public ApiServerEndpoint? Endpoint { get; set; }

    /// <summary>The contexts the derived cmdlet's -Context names; null for the current context.</summary>
    protected abstract IReadOnlyList<string>? ContextNames { get; }

    /// <summary>True when the pod's own service account is asked for.</summary>
    protected bool UsesInCluster => InCluster || ServiceAccountPath is not null;

    /// <summary>
    /// The endpoints this record asks for: the piped or given endpoint, else each requested context (the
    /// current one when none is named), else every context with <paramref name="all"/>. A context that
    /// can't be resolved is written as its own error; the rest go on.
    /// </summary>
    protected IReadOnlyList<ApiServerEndpoint> ResolveEndpoints(bool all = false)
    {
        var endpoints = new List<ApiServerEndpoint>();
        foreach (var (endpoint, failure) in Resolve(all))
        {
            if (failure is not null) WriteFailure(failure);
            else endpoints.Add(endpoint!);
        }
        return endpoints;
    }

    /// <summary>The same, in order, each an endpoint or the failure that stands in its place.</summary>
    protected IReadOnlyList<(ApiServerEndpoint? Endpoint, K8sCommException? Failure)> Resolve(bool all = false)
    {
        CheckConnectionParameters();
        if (Endpoint is not null)
            return [(Endpoint, null)];

        var discovery = _discovery ??= OpenDiscovery();
        var resolutions = all || discovery.IsInCluster
            ? discovery.ResolveAll(StopToken)
            : (ContextNames ?? [null!]).Select(name => discovery.Resolve(name)).ToList();
        return resolutions
            .Select(r => (r.Error is null ? ApiServerEndpoint.From(r.Endpoint!) : null, r.Error))
            .ToList();
    }

    /// <summary>The one endpoint a cmdlet that works against a single API server uses, or null when it
    /// could not be resolved (the error is already written).</summary>
    protected ApiServerEndpoint? ResolveEndpoint()
    {
        var endpoints = ResolveEndpoints();
        return endpoints.Count > 0 ? endpoints[0] : null;
    }

    /// <summary>A client for the endpoint, shared by every command that uses the same endpoint object
    /// with the same options: its connections (and TLS sessions) are reused.</summary>
    protected static ApiServerClient ClientFor(ApiServerEndpoint endpoint, ApiServerClientOptions? options = null) =>
        endpoint.ClientFor(options ?? new ApiServerClientOptions());

    /// <summary>A PowerShell path as the file system sees it, or PathInvalid for one it can't be: an unknown
    /// drive, another provider's path (Env:, HKLM:), a null character.</summary>
    protected string FileSystemPath(string path)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException
            or ArgumentException or NotSupportedException or PSInvalidOperationException or ProviderInvocationException or IOException)
        {
            throw KubeconfigLocator.PathInvalid(path, e.Message);
        }

        if (provider.Name != "FileSystem")
            throw KubeconfigLocator.PathInvalid(path, $"it is a path of the {provider.Name} provider, not a file");
        if (resolved.Contains('\0'))
            throw KubeconfigLocator.PathInvalid(path, "contains a null character");
        return resolved;
    }

    /// <summary>Refuses two ways of choosing the API server at once, naming both.</summary>
    protected virtual void CheckConnectionParameters()
    {
        var chosen = new List<string>();
        if (Endpoint is not null) chosen.Add("-Endpoint");
        if (Kubeconfig is not null) chosen.Add("-Kubeconfig");
        if (KubeconfigContent is not null) chosen.Add("-KubeconfigContent");
        if (UsesInCluster) chosen.Add(InCluster ? "-InCluster" : "-ServiceAccountPath");
        // A piped endpoint's own Context property may bind to -Context by property name: that names the
        // same server, not a second one.
        var ownContext = Endpoint is not null && ContextNames is not null && ContextNames.All(name => name == Endpoint.Context);
        if (ContextNames is not null && !ownContext && (Endpoint is not null || UsesInCluster))
            chosen.Add("-Context");
        if (chosen.Count > 1)
            ThrowFailure(Conflict(chosen[0], chosen[1]));
    }

    protected static K8sCommException Conflict(string first, string second) => new(
        FailureReason.ConnectionParametersConflict,
        $"{first} and {second} both choose the API server; give only one of them.",
        second, [first, second]);

    /// <summary>Finds and reads the kubeconfig (or the pod's service account) once per command,
    /// however many records arrive on the pipeline.</summary>
    private EndpointDiscovery OpenDiscovery()
    {
        var serviceAccountPath = FileSystemPath(ServiceAccountPath ?? InClusterResolver.DefaultServiceAccountPath);
        var discovery = EndpointDiscovery.Open(new DiscoveryRequest
        {
            Kubeconfig = Kubeconfig?.Select(FileSystemPath).ToArray(),
            KubeconfigContent = KubeconfigContent,
            Context = ContextNames?.FirstOrDefault(),
            InCluster = UsesInCluster,
            ServiceAccountPath = serviceAccountPath,
            WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        }, cancellationToken: StopToken);
        WriteVerbose(discovery.IsInCluster
            ? string.Format(Strings.Verbose_InCluster, Display.Text(serviceAccountPath))
            : string.Format(Strings.Verbose_ReadingKubeconfig, Display.Text(string.Join(", ", discovery.KubeconfigFiles))));
        return discovery;
    }
}
