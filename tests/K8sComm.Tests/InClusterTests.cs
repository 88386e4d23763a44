using K8sComm.Sandbox;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>Tests that change this process's environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_*), so
/// they run one at a time and put everything back.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class InClusterTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Variables = ["KUBECONFIG", "HOME", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string _emptyHome = Directory.CreateTempSubdirectory("k8scomm-home-").FullName;
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });
        // Nothing to find: no KUBECONFIG, a home without ~/.kube/config, and no pod around us, whatever the
        // caller's shell exports (the sandbox's `up` tells users to export KUBERNETES_SERVICE_HOST/PORT).
        foreach (var name in Variables) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable("HOME", _emptyHome);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
        Directory.Delete(_emptyHome, recursive: true);
    }

    private void LookLikeAPod()
    {
        foreach (var (name, value) in _cluster.InClusterEnvironment) Environment.SetEnvironmentVariable(name, value);
    }

    [Fact]
    public void InCluster_reads_the_service_account_directory_and_probes_as_the_pod()
    {
        LookLikeAPod();
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -InCluster -ServiceAccountPath $Path -Probe",
            ModuleSession.Vars(("Path", _cluster.Files.ServiceAccountDirectory)));

        Assert.Empty(result.Errors);
        dynamic endpoint = Assert.Single(result.Output);
        Assert.Equal("InCluster", endpoint.Source.ToString());
        Assert.Equal(_cluster.ApiServerUri.Port, (int)endpoint.Port);
        Assert.Equal(File.ReadAllText(Path.Combine(_cluster.Files.ServiceAccountDirectory, "namespace")).Trim(), (string)endpoint.Namespace);
        Assert.Contains(((IEnumerable<object>)endpoint.Authentication).Cast<dynamic>(), m => m.Kind.ToString() == "TokenFile");
        Assert.True((bool?)endpoint.Probe.ChainTrusted);
        Assert.StartsWith("system:serviceaccount:", (string)endpoint.Probe.Identity);
        string token = File.ReadAllText(Path.Combine(_cluster.Files.ServiceAccountDirectory, "token")).Trim();
        Assert.DoesNotContain(token, result.AllText());
    }

    [Fact]
    public void Without_a_kubeconfig_a_pod_falls_back_to_in_cluster_discovery()
    {
        LookLikeAPod();
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -Verbose");

        // This machine is no pod: the fallback goes to the standard service-account directory and
        // reports what is missing there, instead of "no kubeconfig".
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ServiceAccountNotFound,", error.FullyQualifiedErrorId);
        Assert.Contains("/var/run/secrets/kubernetes.io/serviceaccount", error.ToString());
        Assert.Contains(result.Verbose, v => v.Message.Contains("/var/run/secrets/kubernetes.io/serviceaccount"));
    }

    [Fact]
    public void No_kubeconfig_and_no_pod_is_KubeconfigNotFound_saying_where_it_looked()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.KubeconfigNotFound,", error.FullyQualifiedErrorId);
        Assert.Contains(Path.Combine(_emptyHome, ".kube", "config"), error.ToString());
        Assert.Contains("KUBECONFIG", error.ToString());
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
    }

    [Fact]
    public void In_a_pod_without_the_service_account_directory_the_error_says_which_path()
    {
        LookLikeAPod();
        string missing = Path.Combine(_emptyHome, "no-serviceaccount");
        using var session = ModuleSession.Start();
        var result = session.Invoke("Get-ApiServerEndpoint -InCluster -ServiceAccountPath $Path", ModuleSession.Vars(("Path", missing)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("K8sComm.ServiceAccountNotFound,", error.FullyQualifiedErrorId);
        Assert.Contains(missing, error.ToString());
    }

    [SkippableFact]
    public async Task Without_parameters_KUBECONFIG_is_merged_as_kubectl_merges_it()
    {
        Skip.If(K8sComm.Sandbox.Kubectl.IsMissing, K8sComm.Sandbox.Kubectl.MissingReason);
        // Three files, relative certificate paths, and a decoy context and current-context in the last one.
        Environment.SetEnvironmentVariable("KUBECONFIG", _cluster.Files.SplitKubeconfigVariable);
        var start = K8sComm.Sandbox.Kubectl.Start(_emptyHome, "config", "view", "--minify", "-o",
            "jsonpath={.contexts[0].name}|{.contexts[0].context.cluster}|{.contexts[0].context.user}|{.clusters[0].cluster.server}");
        start.Environment["KUBECONFIG"] = _cluster.Files.SplitKubeconfigVariable;
        var kubectl = await K8sComm.Sandbox.Kubectl.RunAsync(start);
        Assert.True(kubectl.ExitCode == 0, kubectl.ToString());

        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $e = Get-ApiServerEndpoint -Probe
            '{0}|{1}|{2}|{3}' -f $e.Context, $e.Cluster, $e.User, $e.Server
            $e.Probe.Identity
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(kubectl.Output.Trim(), result.Output[0].ToString());
        // The relative client-certificate paths resolved against their own file: the probe authenticated.
        Assert.Equal("sandbox-admin", result.Output[1].ToString());
    }
}
