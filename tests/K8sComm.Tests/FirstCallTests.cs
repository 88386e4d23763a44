using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>What a new terminal or runbook pays for K8sComm: importing the module and resolving a certificate
/// kubeconfig must not start the platform's crypto library, whose first use in a process costs tens of
/// milliseconds (docs/performance.md, the real-pwsh import).</summary>
public sealed class FirstCallTests : IAsyncLifetime
{
    private const string PlatformCrypto = "libSystem.Security.Cryptography.Native.OpenSsl";

    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 0 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [SkippableFact]
    public async Task Import_and_a_first_call_without_probe_leave_the_platform_crypto_unloaded()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads the process's mapped libraries from /proc/self/maps, which only Linux has");
        Skip.If(RealPwsh.MissingReason is not null, RealPwsh.MissingReason);

        var outcome = await RealPwsh.RunAsync($$"""
            function Test-Loaded { [bool](Select-String -Path /proc/self/maps -SimpleMatch '{{PlatformCrypto}}' -Quiet) }
            $e = Get-ApiServerEndpoint -Kubeconfig $env:K8SCOMM_TEST_KUBECONFIG
            "after call: $(Test-Loaded)"
            "identity: $($e.Authentication.Subject); ca: $($e.CertificateAuthority.Subject)"
            # The check itself: the platform's first hash does load the library.
            $null = [System.Security.Cryptography.SHA256]::HashData([byte[]](1, 2, 3))
            "after hash: $(Test-Loaded)"
            """, TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["K8SCOMM_TEST_KUBECONFIG"] = _cluster.Files.CertificateKubeconfig });

        Assert.False(outcome.TimedOut, outcome.AllText);
        Assert.True(outcome.ExitCode == 0 && outcome.StandardError.Length == 0, outcome.AllText);
        Assert.Matches("identity: CN=.+; ca: CN=", outcome.StandardOutput);
        Assert.Contains("after hash: True", outcome.StandardOutput);
        Assert.Contains("after call: False", outcome.StandardOutput);
    }
}
