using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>One Secure two-node cluster shared by the tests of a class.</summary>
public sealed class SecureClusterFixture : IAsyncLifetime
{
    public SandboxCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Secure, NodeCount = 2 });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
