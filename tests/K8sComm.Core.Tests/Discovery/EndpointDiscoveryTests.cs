using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>The order of sources, and when a pod's own service account is used instead of a kubeconfig.</summary>
public sealed class EndpointDiscoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _serviceAccount;

    public EndpointDiscoveryTests()
    {
        _serviceAccount = _dir.Combine("sa");
        _dir.Write("sa/token", "discovery-SECRET-token");
        _dir.Write("sa/ca.crt", TestPki.CaPem);
    }

    public void Dispose() => _dir.Dispose();

    private static string Config(string name) => $"""
        current-context: {name}
        clusters: [{"{"}name: {name}, cluster: {"{"}server: "https://{name}:6443"{"}}"}]
        contexts: [{"{"}name: {name}, context: {"{"}cluster: {name}{"}}"}]
        """;

    private DiscoveryRequest Request(string? kubeconfigVariable = null, bool pod = false) => new()
    {
        HomeDirectory = _dir.Combine("home"),
        ServiceAccountPath = _serviceAccount,
        Environment = new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = kubeconfigVariable,
            [InClusterResolver.HostVariable] = pod ? "10.96.0.1" : null,
            [InClusterResolver.PortVariable] = pod ? "443" : null,
        },
    };

    [Fact]
    public void PodWithoutKubeconfigFallsBackToItsServiceAccount()
    {
        var result = Assert.Single(Discover(Request(pod: true)));

        Assert.Equal(EndpointDiscovery.InClusterContextName, result.Context);
        Assert.Equal(EndpointSource.InCluster, result.Endpoint!.Source);
        Assert.Equal(new Uri("https://10.96.0.1:443"), result.Endpoint.Server);
    }

    [Fact]
    public void KubeconfigInHomeWinsOverThePod()
    {
        _dir.Write("home/.kube/config", Config("home"));

        var result = Assert.Single(Discover(Request(pod: true)));

        Assert.Equal(EndpointSource.Kubeconfig, result.Endpoint!.Source);
        Assert.Equal("home", result.Context);
    }

    [Fact]
    public void VariableWinsOverHome()
    {
        _dir.Write("home/.kube/config", Config("home"));
        var fromVariable = _dir.Write("variable", Config("variable"));

        Assert.Equal("variable", Assert.Single(Discover(Request(fromVariable))).Context);
    }

    [Fact]
    public void InClusterCanBeForced()
    {
        _dir.Write("home/.kube/config", Config("home"));

        var result = Assert.Single(Discover(Request(pod: true) with { InCluster = true }));

        Assert.Equal(EndpointSource.InCluster, result.Endpoint!.Source);
    }

    [Fact]
    public void AskingForAContextNeverFallsBackToThePod()
    {
        var error = Assert.Throws<K8sComm.Core.K8sCommException>(() =>
            Discover(Request(pod: true) with { Context = "prod" }));

        Assert.Equal(K8sComm.Core.FailureReason.KubeconfigNotFound, error.Reason);
    }

    [Fact]
    public void NothingAnywhereIsKubeconfigNotFound()
    {
        var error = Assert.Throws<K8sComm.Core.K8sCommException>(() => Discover(Request()));

        Assert.Equal(K8sComm.Core.FailureReason.KubeconfigNotFound, error.Reason);
        Assert.Equal(Path.Combine(_dir.Combine("home"), ".kube", "config"), error.Arguments[0]);
    }

    [Fact]
    public void ExplicitFilesRelativeToTheWorkingDirectoryAndAllContexts()
    {
        _dir.Write("work/a.yaml", Config("b-ctx"));
        _dir.Write("work/b.yaml", Config("a-ctx"));

        var results = Discover(Request(pod: true) with
        {
            Kubeconfig = ["a.yaml", "b.yaml"],
            WorkingDirectory = _dir.Combine("work"),
            All = true,
        });

        Assert.Equal(["a-ctx", "b-ctx"], results.Select(r => r.Context));
        Assert.All(results, r => Assert.Equal(EndpointSource.Kubeconfig, r.Endpoint!.Source));
    }

    /// <summary>A request as Get-ApiServerEndpoint makes it: a single context that fails throws; with
    /// All each failing context carries its own error.</summary>
    private static IReadOnlyList<ContextResolution> Discover(DiscoveryRequest request)
    {
        var discovery = EndpointDiscovery.Open(request);
        if (request.All && !discovery.IsInCluster)
            return discovery.ResolveAll();
        var resolution = discovery.Resolve(request.Context);
        return resolution.Error is null ? [resolution] : throw resolution.Error;
    }
}
