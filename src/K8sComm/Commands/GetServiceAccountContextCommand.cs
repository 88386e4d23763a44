using System.Management.Automation;
using K8sComm.Commands.Base;
using K8sComm.Core;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Resources;

namespace K8sComm.Commands;

/// <summary>
/// Shows what the pod this runs in is, to the API server: where it reaches it, its namespace, the service
/// account and pod its token names (claims read, not trusted), when the token expires and whether it is a
/// projected or a legacy one, and the CA it trusts. -Verify asks the API server who it thinks we are and
/// what we may do in our namespace.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ServiceAccountContext")]
[OutputType(typeof(ServiceAccountContext))]
public sealed class GetServiceAccountContextCommand : K8sCommCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ServiceAccountPath { get; set; } = InClusterResolver.DefaultServiceAccountPath;

    [Parameter]
    [ValidateNotNull]
    public Uri? ApiServer { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>For -Verify: how long the two reviews may take together.</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 30;

    protected override void OnEnd()
    {
        if (SkipCertificateCheck) WriteWarning(Strings.Warning_SkipCertificateCheck);
        var directory = GetUnresolvedProviderPathFromPSPath(ServiceAccountPath);
        var context = PodServiceAccount.Read(InClusterResolver.ProcessEnvironment(), directory, ApiServer, SkipCertificateCheck);
        ServiceAccountVerification? verification = null;
        if (Verify)
        {
            var client = ApiServerClientPool.Shared.ClientFor(context.Endpoint);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSec));
            try
            {
                verification = ServiceAccountVerification.From(Await(SelfReviewer.ReviewAsync(client, context.Namespace, timeout.Token)));
            }
            catch (OperationCanceledException) when (!StopToken.IsCancellationRequested)
            {
                throw new K8sCommException(FailureReason.Timeout,
                    $"The self-reviews at {context.ApiServer} did not finish within {TimeoutSec} s.", context.ApiServer.ToString());
            }
        }
        WriteObject(ServiceAccountContext.From(context, verification));
    }
}
