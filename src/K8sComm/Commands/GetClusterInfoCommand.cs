using System.Management.Automation;
using K8sComm.Commands.Base;
using K8sComm.Completion;
using Proxy = K8sComm.Core.ApiProxy;

namespace K8sComm.Commands;

/// <summary>
/// What <c>kubectl cluster-info</c> shows, as objects: the control plane, then each cluster service
/// (labelled kubernetes.io/cluster-service=true) with the URL kubectl would print for it.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ClusterInfo")]
[OutputType(typeof(ClusterInfoEntry))]
public sealed class GetClusterInfoCommand : ApiServerCmdlet
{
    /// <summary>Where to look for cluster services; kubectl's default is kube-system, not the context's namespace.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "kube-system";

    [Parameter]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Context { get; set; }

    protected override IReadOnlyList<string>? ContextNames => Context;

    protected override void OnRecord()
    {
        foreach (var endpoint in ResolveEndpoints())
        {
            try
            {
                var entries = Await(Proxy.ClusterInfoRules.ReadAsync(ClientFor(endpoint), Namespace, StopToken));
                foreach (var entry in entries) WriteObject(ClusterInfoEntry.From(entry, endpoint.Context));
            }
            catch (Core.K8sCommException failure)
            {
                // One unreachable cluster is its own error; the next context still gets its turn.
                WriteFailure(failure);
            }
        }
    }
}
