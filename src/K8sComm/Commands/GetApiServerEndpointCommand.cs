using System.Management.Automation;

namespace K8sComm.Commands;

[Cmdlet(VerbsCommon.Get, "ApiServerEndpoint")]
public sealed class GetApiServerEndpointCommand : PSCmdlet
{
    protected override void ProcessRecord() => WriteObject(K8sComm.Resources.Strings.Placeholder);
}
