using System.Management.Automation;
using K8sComm.Completion;
using K8sComm.Core;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Errors;
using Proxy = K8sComm.Core.ApiProxy;

namespace K8sComm.Commands;

/// <summary>
/// What <c>kubectl cluster-info</c> shows, as objects: the control plane, then each cluster service
/// (labelled kubernetes.io/cluster-service=true) with the URL kubectl would print for it.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterInfo")]
[OutputType(typeof(ClusterInfoEntry))]
public sealed class GetClusterInfoCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "kube-system";

    [Parameter(ValueFromPipeline = true)]
    public ApiServerEndpoint? Endpoint { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Kubeconfig { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    [Parameter]
    public SwitchParameter InCluster { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var endpoint = Endpoint?.Resolved ?? ResolveEndpoint();
            using var client = new ApiServerClient(endpoint);
            var entries = Proxy.ClusterInfoRules.ReadAsync(client, Namespace, _stopping.Token).GetAwaiter().GetResult();
            foreach (var entry in entries) WriteObject(ClusterInfoEntry.From(entry));
        }
        catch (K8sCommException failure)
        {
            WriteError(ErrorRecords.From(failure));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();

    private ResolvedEndpoint ResolveEndpoint()
    {
        var discovery = EndpointDiscovery.Open(new DiscoveryRequest
        {
            Kubeconfig = Kubeconfig?.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
            Context = Context,
            InCluster = InCluster,
            WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        }, cancellationToken: _stopping.Token);
        var resolution = discovery.Resolve(Context);
        return resolution.Error is not null ? throw resolution.Error : resolution.Endpoint!;
    }
}
