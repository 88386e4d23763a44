using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Kubelets;
using K8sComm.Core.Tests.Api;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Kubelets;
using Xunit;
using Status = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm.Core.Tests.Kubelets;

/// <summary>Whole sandbox clusters: nodes read from the API server, every kubelet checked concurrently.</summary>
public class KubeletFleetCheckTests
{
    private static readonly Dictionary<KubeletCertificateKind, Status> Expected = new()
    {
        [KubeletCertificateKind.CaSigned] = Status.Trusted,
        [KubeletCertificateKind.SelfSigned] = Status.SelfSigned,
        [KubeletCertificateKind.Expired] = Status.Expired,
        [KubeletCertificateKind.NotYetValid] = Status.NotYetValid,
        [KubeletCertificateKind.SanMismatch] = Status.NameMismatch,
        [KubeletCertificateKind.WeakKey] = Status.WeakKey,
        [KubeletCertificateKind.Sha1Signature] = Status.WeakSignature,
        [KubeletCertificateKind.WrongCa] = Status.Untrusted,
    };

    private static KubeletCheckOptions Options(SandboxCluster cluster, bool everything = false) => new()
    {
        Authority = Authorities.Of(cluster.CaCertificatePem),
        CheckAuthentication = everything,
        CheckReadOnlyPort = everything,
        Timeout = TimeSpan.FromSeconds(20),
    };

    // The node list is the API server's; the read-only port is the sandbox's own (nodes don't publish it).
    private static async IAsyncEnumerable<KubeletTarget> TargetsAsync(SandboxCluster cluster, ApiServerClient client)
    {
        await foreach (var node in NodeDirectory.ListAsync(client))
        {
            var target = KubeletTarget.ForNode(node)!;
            var kubelet = cluster.Kubelets.Single(k => k.NodeName == target.NodeName);
            yield return target with { ReadOnlyPort = kubelet.ReadOnlyPort ?? TcpTestServer.ClosedPort() };
        }
    }

    private static async Task<List<KubeletCheckResult>> CheckAllAsync(SandboxCluster cluster, bool everything, int throttle = 4)
    {
        using var client = new ApiServerClient(Endpoints.Certificate(cluster));
        var results = new List<KubeletCheckResult>();
        await foreach (var result in KubeletFleetCheck.RunAsync(TargetsAsync(cluster, client), Options(cluster, everything), throttle))
            results.Add(result);
        return results;
    }

    [Fact]
    public async Task A_secure_cluster_comes_back_all_trusted()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Secure, NodeCount = 6 });

        var results = await CheckAllAsync(cluster, everything: true);

        Assert.Equal(cluster.Kubelets.Select(k => k.NodeName).Order(), results.Select(r => r.Target.NodeName).Order());
        Assert.All(results, r =>
        {
            Assert.Equal(Status.Trusted, r.Status);
            Assert.Empty(r.Findings);
            Assert.Equal(AnonymousAccess.Rejected, r.AnonymousAccess);
            Assert.False(r.ReadOnlyPortOpen);
            Assert.Equal(NodeAddressType.InternalIP, r.Target.AddressType);
        });
    }

    [Fact]
    public async Task An_insecure_cluster_shows_each_weakness_it_was_given()
    {
        var kinds = KubeletPosture.WeakCertificates.Count;
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Insecure, NodeCount = kinds });

        var results = await CheckAllAsync(cluster, everything: true);

        Assert.Equal(kinds, results.Count);
        foreach (var result in results)
        {
            var kubelet = cluster.Kubelets.Single(k => k.NodeName == result.Target.NodeName);
            Assert.Equal(Expected[kubelet.Posture.Certificate], result.Status);
            Assert.Equal(AnonymousAccess.Allowed, result.AnonymousAccess);
            Assert.True(result.ReadOnlyPortOpen);
            Assert.Equal(FindingIds.KubeletAnonymousAccessAllowed, result.Findings[0].Id);
            Assert.Contains(result.Findings, f => f.Id == FindingIds.KubeletReadOnlyPortOpen);
        }
        Assert.Equal(KubeletPosture.WeakCertificates.Select(k => Expected[k]).Order(), results.Select(r => r.Status).Order());
    }

    [Fact]
    public async Task Results_stream_as_each_check_ends_not_in_input_order()
    {
        await using var silent = new TcpTestServer(closeAtOnce: false);
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var slow = silent.Target("stalls") ;
        var quick = new KubeletTarget("127.0.0.1", cluster.Kubelets[0].Port, cluster.Kubelets[0].NodeName);
        var options = Options(cluster) with { Timeout = TimeSpan.FromSeconds(3) };

        var order = new List<string?>();
        await foreach (var result in KubeletFleetCheck.RunAsync([slow, quick], options, throttle: 2))
            order.Add(result.Target.NodeName);

        Assert.Equal([quick.NodeName, "stalls"], order);
    }

    [Fact]
    public async Task Cancelling_closes_every_connection_and_ends_the_run()
    {
        await using var silent = new TcpTestServer(closeAtOnce: false);
        var targets = Enumerable.Range(0, 50).Select(i => silent.Target($"n{i}")).ToList();
        using var cancel = new CancellationTokenSource();
        var options = new KubeletCheckOptions
        {
            Authority = Authorities.Of(Tls.TestPki.Pem(Tls.TestPki.CreateCa())),
            Timeout = TimeSpan.FromMinutes(5),
        };

        var run = Task.Run(async () =>
        {
            await foreach (var _ in KubeletFleetCheck.RunAsync(targets, options, throttle: 20, cancel.Token))
            {
            }
        });
        await Eventually(() => Volatile.Read(ref silent.Accepted) >= 20);
        Assert.Equal(20, silent.Open); // the throttle holds
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        // The server sees each held connection end when the client closes it; a leaked socket stays open.
        Assert.True(await Eventually(() => silent.Open == 0), $"{silent.Open} connections still open");
        Assert.Equal(20, silent.Accepted);
    }

    [Fact]
    public async Task Stopping_early_stops_the_checks_still_running()
    {
        await using var silent = new TcpTestServer(closeAtOnce: false);
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        var quick = new KubeletTarget("127.0.0.1", cluster.Kubelets[0].Port, cluster.Kubelets[0].NodeName);
        var targets = new[] { quick }.Concat(Enumerable.Range(0, 5).Select(i => silent.Target($"n{i}"))).ToList();
        var options = Options(cluster) with { Timeout = TimeSpan.FromMinutes(5) };

        await foreach (var result in KubeletFleetCheck.RunAsync(targets, options, throttle: 6))
        {
            Assert.Equal(quick.NodeName, result.Target.NodeName);
            break;
        }

        Assert.True(await Eventually(() => silent.Open == 0), $"{silent.Open} connections still open");
    }

    /// <summary>Waits for what another thread does (the server noticing a close), up to a generous bound.</summary>
    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < until)
            await Task.Delay(20);
        return condition();
    }
}
