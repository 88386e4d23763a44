using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using Xunit;

namespace K8sComm.Core.Tests.Api;

/// <summary>
/// The probe fed by Discovery, as Get-ApiServerEndpoint -Probe does it: endpoints resolved from the
/// sandbox's own kubeconfigs and service-account directory, not built by hand.
/// </summary>
public class ProbeFromClientFilesTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(5);

    private static ResolvedEndpoint FromKubeconfig(string file) =>
        new EndpointResolver().Resolve(KubeconfigLoader.Load([file]));

    [Fact]
    public async Task Certificate_and_token_kubeconfigs_probe_as_sandbox_admin()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

        var byCertificate = await ApiServerProber.ProbeAsync(FromKubeconfig(cluster.Files.CertificateKubeconfig), StepTimeout, CancellationToken.None);
        var byToken = await ApiServerProber.ProbeAsync(FromKubeconfig(cluster.Files.TokenKubeconfig), StepTimeout, CancellationToken.None);

        foreach (var result in new[] { byCertificate, byToken })
        {
            Assert.True(result.ChainTrusted, result.ChainError);
            Assert.True(result.NameMatches, result.NameError);
            Assert.Equal(TrustSource.EndpointCertificateAuthority, result.TrustSource);
            Assert.Equal("sandbox-admin", result.Identity?.UserName);
            Assert.All(result.Steps, s => Assert.Equal(ProbeStepStatus.Succeeded, s.Status));
        }
    }

    [Fact]
    public async Task The_insecure_kubeconfig_is_probed_without_verification()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

        var result = await ApiServerProber.ProbeAsync(FromKubeconfig(cluster.Files.InsecureKubeconfig), StepTimeout, CancellationToken.None);

        Assert.Equal(TrustSource.NotVerified, result.TrustSource);
        Assert.False(result.CredentialsWithheld);
        Assert.NotNull(result.Identity);
    }

    [Fact]
    public async Task The_service_account_directory_probes_as_the_service_account()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var environment = cluster.InClusterEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);
        var endpoint = InClusterResolver.Resolve(environment, cluster.Files.ServiceAccountDirectory);

        var result = await ApiServerProber.ProbeAsync(endpoint, StepTimeout, CancellationToken.None);

        Assert.True(result.ChainTrusted, result.ChainError);
        Assert.Equal("system:serviceaccount:default:default", result.Identity?.UserName);
        Assert.Equal(AnonymousAccess.Rejected, result.AnonymousAccess);
    }
}
