using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>The public enums mirror the core's by name (scripts only see the module's own types); a
/// member added on one side and not the other would fail at the first object that carries it.</summary>
public sealed class PublicTypesTests
{
    [Theory]
    [InlineData("K8sComm.EndpointSource", "K8sComm.Core.Discovery.EndpointSource")]
    [InlineData("K8sComm.AuthenticationKind", "K8sComm.Core.Discovery.AuthenticationKind")]
    [InlineData("K8sComm.FindingSeverity", "K8sComm.Core.Discovery.FindingSeverity")]
    [InlineData("K8sComm.AnonymousAccess", "K8sComm.Core.Api.AnonymousAccess")]
    [InlineData("K8sComm.ProbeStepStatus", "K8sComm.Core.Api.ProbeStepStatus")]
    [InlineData("K8sComm.TrustSource", "K8sComm.Core.Tls.TrustSource")]
    [InlineData("K8sComm.ProxyTargetKind", "K8sComm.Core.ApiProxy.ProxyTargetKind")]
    [InlineData("K8sComm.ClusterInfoEntryKind", "K8sComm.Core.ApiProxy.ClusterInfoEntryKind")]
    [InlineData("K8sComm.KubeletCertificateStatus", "K8sComm.Core.Kubelets.KubeletCertificateStatus")]
    [InlineData("K8sComm.NodeAddressType", "K8sComm.Core.Kubelets.NodeAddressType")]
    [InlineData("K8sComm.NamespaceSource", "K8sComm.Core.Discovery.NamespaceSource")]
    [InlineData("K8sComm.ServiceAccountTokenKind", "K8sComm.Core.Discovery.ServiceAccountTokenKind")]
    public void Each_public_enum_has_exactly_the_members_of_its_core_enum(string publicEnum, string coreEnum)
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $core = [K8sComm.Loading.ModuleInitializer]::DependencyContext.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('K8sComm.Core'))
            foreach ($type in [type]$PublicEnum, $core.GetType($CoreEnum, $true)) {
                $names = [enum]::GetNames($type)
                [array]::Sort($names)
                $names -join ','
            }
            """, ModuleSession.Vars(("PublicEnum", publicEnum), ("CoreEnum", coreEnum)));

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(result.Output[1].ToString(), result.Output[0].ToString());
    }
}
