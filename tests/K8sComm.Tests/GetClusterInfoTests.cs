using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>Get-ClusterInfo in the real engine against a sandbox, and what its entries pipe into.</summary>
public sealed class GetClusterInfoTests : IAsyncLifetime
{
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private string Server => _cluster.ApiServerUri.ToString().TrimEnd('/');

    [Fact]
    public void Lists_the_control_plane_and_the_cluster_services_as_kubectl_names_them()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ClusterInfo -Kubeconfig $Path | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Name, $_.Kind, $_.Service, $_ }",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            $"Kubernetes control plane|ControlPlane||{Server}",
            $"CoreDNS|Service|kube-dns|{Server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy",
            $"Metrics-server|Service|metrics-server|{Server}/api/v1/namespaces/kube-system/services/https:metrics-server:https/proxy",
            $"kubernetes-dashboard|Service|kubernetes-dashboard|{Server}/api/v1/namespaces/kube-system/services/https:kubernetes-dashboard:/proxy",
            "ingress-gateway|Service|ingress-gateway|http://203.0.113.10:80",
            "ingress-gateway|Service|ingress-gateway|http://203.0.113.10:443",
            "Registry|Service|registry-lb|http://registry.sandbox.example:5000",
        ], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Namespace_looks_elsewhere_and_an_endpoint_arrives_from_the_pipeline()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -Kubeconfig $Path | Get-ClusterInfo -Namespace default | ForEach-Object { $_.Kind.ToString() + '|' + $_.Context }",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(["ControlPlane|sandbox-admin"], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Service_entries_pipe_into_New_ProxyUrl()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            Get-ClusterInfo -Kubeconfig $Path | Where-Object { $_.Kind -eq 'Service' -and -not $_.LoadBalancer } |
                New-ProxyUrl -Kubeconfig $Path -Path /healthz -AsString
            """, ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            $"{Server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy/healthz",
            $"{Server}/api/v1/namespaces/kube-system/services/https:metrics-server:https/proxy/healthz",
            $"{Server}/api/v1/namespaces/kube-system/services/https:kubernetes-dashboard:/proxy/healthz",
        ], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void An_unknown_context_is_a_clear_error()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ClusterInfo -Kubeconfig $Path -Context nope",
            ModuleSession.Vars(("Path", _cluster.Files.CertificateKubeconfig)));
        Assert.Equal("K8sComm.ContextNotFound,K8sComm.Commands.GetClusterInfoCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Empty(result.Output);
    }
}
