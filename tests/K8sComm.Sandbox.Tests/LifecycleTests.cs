using System.Net.Sockets;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>Starting and disposing clusters: ports and files are freed, parallel clusters don't collide.</summary>
public sealed class LifecycleTests
{
    private static async Task<bool> Accepts(int port)
    {
        using var socket = new TcpClient();
        try
        {
            await socket.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task DisposeFreesEveryPortAndFile()
    {
        var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Insecure, NodeCount = 2 });
        var ports = new List<int> { cluster.ApiServerPort, cluster.Backends.HttpPort, cluster.Backends.HttpsPort };
        ports.AddRange(cluster.Kubelets.Select(k => k.Port));
        ports.AddRange(cluster.Kubelets.Select(k => k.ReadOnlyPort!.Value));
        var workDirectory = cluster.WorkDirectory;

        foreach (var port in ports) Assert.True(await Accepts(port), $"port {port} should be listening");
        Assert.True(File.Exists(cluster.Files.CertificateKubeconfig));

        await cluster.DisposeAsync();

        foreach (var port in ports) Assert.False(await Accepts(port), $"port {port} is still listening after dispose");
        Assert.False(Directory.Exists(workDirectory), "the work directory survived dispose");
        await cluster.DisposeAsync(); // a second dispose is harmless
    }

    [Fact]
    public async Task AGivenWorkDirectoryIsKeptButEmptiedOfSandboxFiles()
    {
        var directory = Directory.CreateTempSubdirectory("k8scomm-given-").FullName;
        try
        {
            var mine = Path.Combine(directory, "keep-me.txt");
            await File.WriteAllTextAsync(mine, "not the sandbox's");
            var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 0, WorkDirectory = directory });
            var files = cluster.Files;
            Assert.StartsWith(directory, files.CertificateKubeconfig);
            Assert.All(files.SplitKubeconfig, f => Assert.StartsWith(directory, f));
            await cluster.DisposeAsync();

            Assert.True(File.Exists(mine));
            Assert.Equal([mine], Directory.EnumerateFileSystemEntries(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TwoClustersRunSideBySide()
    {
        var starts = await Task.WhenAll(
            SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 }),
            SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 }));
        await using var first = starts[0];
        await using var second = starts[1];

        Assert.NotEqual(first.ApiServerPort, second.ApiServerPort);
        Assert.NotEqual(first.Kubelets[0].Port, second.Kubelets[0].Port);
        Assert.NotEqual(first.WorkDirectory, second.WorkDirectory);
        Assert.NotEqual(first.CaCertificatePem, second.CaCertificatePem);

        // Each cluster's credentials are its own.
        using var own = ApiClient.Create(first, first.AdminToken);
        Assert.Equal(200, (await ApiClient.GetJsonAsync(own, "/api/v1/nodes")).Code);
        using var crossed = ApiClient.Create(second, first.AdminToken);
        Assert.Equal(401, (await ApiClient.GetJsonAsync(crossed, "/api/v1/nodes")).Code);
        using var crossedToken = ApiClient.Create(second, first.IssueServiceAccountToken("default", "default"));
        Assert.Equal(401, (await ApiClient.GetJsonAsync(crossedToken, "/api/v1/namespaces/default/pods")).Code);
    }

    [Fact]
    public async Task ZeroNodesIsAValidCluster()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 0 });
        Assert.Empty(cluster.Kubelets);
        using var admin = ApiClient.Create(cluster, cluster.AdminToken);
        Assert.Empty((await ApiClient.GetJsonAsync(admin, "/api/v1/nodes")).Body!["items"]!.AsArray());
    }
}
