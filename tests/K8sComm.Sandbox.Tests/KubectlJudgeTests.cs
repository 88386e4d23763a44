using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>
/// kubectl, a real client, judges the sandbox's wire format: each test fails if kubectl can't use the sandbox
/// for the call, with the client-certificate kubeconfig and with the token kubeconfig.
/// </summary>
public sealed class KubectlJudgeTests(SecureClusterFixture fixture) : IClassFixture<SecureClusterFixture>
{
    private SandboxCluster Cluster => fixture.Cluster;

    public static TheoryData<string> Kubeconfigs => ["certificate", "token"];

    private string Kubeconfig(string kind) => kind switch
    {
        "certificate" => Cluster.Files.CertificateKubeconfig,
        "token" => Cluster.Files.TokenKubeconfig,
        "insecure" => Cluster.Files.InsecureKubeconfig,
        "multi" => Cluster.Files.MultiContextKubeconfig,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<KubectlResult> Run(string kind, params string[] args)
    {
        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        var result = await Kubectl.RunAsync(Cluster, Kubeconfig(kind), args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {result}");
        return result;
    }

    [SkippableTheory]
    [MemberData(nameof(Kubeconfigs))]
    public async Task GetRawVersion(string kind)
    {
        var result = await Run(kind, "get", "--raw", "/version");
        var version = JsonNode.Parse(result.Output)!;
        Assert.Equal("1", version["major"]!.GetValue<string>());
        Assert.Equal("32", version["minor"]!.GetValue<string>());
        Assert.StartsWith("v1.32", version["gitVersion"]!.GetValue<string>());
    }

    [SkippableTheory]
    [MemberData(nameof(Kubeconfigs))]
    public async Task GetNodesJsonPointsAtTheKubelets(string kind)
    {
        var result = await Run(kind, "get", "nodes", "-o", "json");
        var items = JsonNode.Parse(result.Output)!["items"]!.AsArray();
        Assert.Equal(Cluster.Kubelets.Select(k => k.NodeName), items.Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        foreach (var kubelet in Cluster.Kubelets)
        {
            var node = items.Single(i => i!["metadata"]!["name"]!.GetValue<string>() == kubelet.NodeName)!;
            Assert.Equal(kubelet.Port, node["status"]!["daemonEndpoints"]!["kubeletEndpoint"]!["Port"]!.GetValue<int>());
            var addresses = node["status"]!["addresses"]!.AsArray()
                .Select(a => (a!["type"]!.GetValue<string>(), a["address"]!.GetValue<string>())).ToList();
            Assert.Contains(("InternalIP", "127.0.0.1"), addresses);
            Assert.Contains(("Hostname", kubelet.NodeName), addresses);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kubeconfigs))]
    public async Task GetServicesInAllNamespaces(string kind)
    {
        var result = await Run(kind, "get", "svc", "-A");
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^kube-system\s+kube-dns\s+ClusterIP\s+10\.96\.0\.10\s"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^default\s+echo\s"));
    }

    [SkippableTheory]
    [MemberData(nameof(Kubeconfigs))]
    public async Task ClusterInfoNamesTheControlPlaneAndDns(string kind)
    {
        var result = await Run(kind, "cluster-info");
        var server = Cluster.ApiServerUri.ToString().TrimEnd('/');
        Assert.Contains($"Kubernetes control plane is running at {server}", result.Output);
        Assert.Contains($"CoreDNS is running at {server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy", result.Output);
    }

    [SkippableTheory]
    [MemberData(nameof(Kubeconfigs))]
    public async Task AuthWhoAmIIsTheAdmin(string kind)
    {
        var result = await Run(kind, "auth", "whoami", "-o", "json");
        var userInfo = JsonNode.Parse(result.Output)!["status"]!["userInfo"]!;
        Assert.Equal("sandbox-admin", userInfo["username"]!.GetValue<string>());
        Assert.Contains("system:masters", userInfo["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [SkippableTheory]
    [MemberData(nameof(Kubeconfigs))]
    public async Task AuthCanIAdminMayDoAnything(string kind)
    {
        var result = await Run(kind, "auth", "can-i", "delete", "nodes");
        Assert.Equal("yes", result.Output.Trim());
        result = await Run(kind, "auth", "can-i", "list", "pods", "-n", "kube-system");
        Assert.Equal("yes", result.Output.Trim());
    }

    [SkippableFact]
    public async Task AuthCanIServiceAccountReadsPodsOnlyInItsOwnNamespace()
    {
        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        var own = await Kubectl.RunAsync(Cluster, Cluster.Files.MultiContextKubeconfig,
            "--context", "sandbox-sa", "auth", "can-i", "list", "pods", "-n", "default");
        Assert.True(own.ExitCode == 0 && own.Output.Trim() == "yes", own.ToString());

        var elsewhere = await Kubectl.RunAsync(Cluster, Cluster.Files.MultiContextKubeconfig,
            "--context", "sandbox-sa", "auth", "can-i", "list", "pods", "-n", "kube-system");
        Assert.True(elsewhere.ExitCode == 1 && elsewhere.Output.Trim() == "no", elsewhere.ToString());

        var secrets = await Kubectl.RunAsync(Cluster, Cluster.Files.MultiContextKubeconfig,
            "--context", "sandbox-sa", "auth", "can-i", "list", "services", "-n", "default");
        Assert.True(secrets.ExitCode == 1 && secrets.Output.Trim() == "no", secrets.ToString());

        var whoami = await Kubectl.RunAsync(Cluster, Cluster.Files.MultiContextKubeconfig, "--context", "sandbox-sa", "auth", "whoami");
        Assert.Contains("system:serviceaccount:default:default", whoami.Output);

        var forbidden = await Kubectl.RunAsync(Cluster, Cluster.Files.MultiContextKubeconfig,
            "--context", "sandbox-sa", "get", "pods", "-n", "kube-system");
        Assert.NotEqual(0, forbidden.ExitCode);
        Assert.Contains("Forbidden", forbidden.Error);
    }

    [SkippableFact]
    public async Task SplitKubeconfigIsMergedWithRelativePaths()
    {
        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        var start = Kubectl.StartInfo(Cluster, null, "split", "get", "namespaces", "-o", "name");
        start.Environment["KUBECONFIG"] = Cluster.Files.SplitKubeconfigVariable;
        var result = await Kubectl.RunAsync(start);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("namespace/kube-system", result.Output);

        // kubectl's merge must pick the first file's context, not the decoy defined later.
        // --flatten reads each relative path against its own file and embeds what it found.
        var view = Kubectl.StartInfo(Cluster, null, "split", "config", "view", "--minify", "--flatten", "--raw", "-o", "json");
        view.Environment["KUBECONFIG"] = Cluster.Files.SplitKubeconfigVariable;
        var minified = JsonNode.Parse((await Kubectl.RunAsync(view)).Output)!;
        Assert.Equal("sandbox-split", minified["current-context"]!.GetValue<string>());
        Assert.Equal("default", minified["contexts"]![0]!["context"]!["namespace"]!.GetValue<string>());
        Assert.Equal(Cluster.ApiServerUri.ToString().TrimEnd('/'), minified["clusters"]![0]!["cluster"]!["server"]!.GetValue<string>());
        Assert.Equal(Cluster.CaCertificatePem, FromBase64(minified["clusters"]![0]!["cluster"]!["certificate-authority-data"]!));
        Assert.Equal(File.ReadAllText(Cluster.Files.AdminCertificate), FromBase64(minified["users"]![0]!["user"]!["client-certificate-data"]!));
    }

    private static string FromBase64(JsonNode node) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(node.GetValue<string>()));

    [SkippableFact]
    public async Task InsecureKubeconfigWorksWithoutTheCa()
    {
        var result = await Run("insecure", "get", "--raw", "/api");
        Assert.Equal("APIVersions", JsonNode.Parse(result.Output)!["kind"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task MultiContextKubeconfigHasEveryContext()
    {
        var result = await Run("multi", "config", "get-contexts", "-o", "name");
        Assert.Equal(["sandbox-admin", "sandbox-insecure", "sandbox-sa", "sandbox-token"],
            result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var tokenContext = await Run("multi", "--context", "sandbox-token", "get", "pods", "-o", "name");
        Assert.Contains("pod/kube-apiserver-node-0", tokenContext.Output); // that context defaults to kube-system
    }

    [SkippableFact]
    public async Task DescribeNodeListsThePodsOnIt()
    {
        var result = await Run("certificate", "describe", "node", "node-0");
        Assert.Matches(@"InternalIP:\s+127\.0\.0\.1", result.Output);
        Assert.Matches(@"default\s+echo-0", result.Output); // found with fieldSelector spec.nodeName=node-0
    }

    [SkippableFact]
    public async Task GetPodsWithLabelSelector()
    {
        var result = await Run("certificate", "get", "pods", "-A", "-l", "app=echo", "-o", "name");
        Assert.Equal("pod/echo-0", result.Output.Trim());
    }

    [SkippableFact]
    public async Task ServiceProxyThroughKubectlGetRaw()
    {
        var result = await Run("token", "get", "--raw", "/api/v1/namespaces/default/services/https:echo:https/proxy/hello?x=1");
        var echo = JsonNode.Parse(result.Output)!;
        Assert.Equal("https", echo["backend"]!.GetValue<string>());
        Assert.Equal("/hello", echo["path"]!.GetValue<string>());
        Assert.Equal("absent", echo["authorization"]!.GetValue<string>()); // the admin token stays at the API server
    }

    [SkippableFact]
    public async Task NodeProxyReachesTheKubelet()
    {
        var result = await Run("certificate", "get", "--raw", "/api/v1/nodes/node-1/proxy/configz");
        var config = JsonNode.Parse(result.Output)!["kubeletconfig"]!;
        Assert.Equal(Cluster.Kubelets[1].Port, config["port"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task KubectlProxyServesApiAndAServiceProxyPath()
    {
        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        var start = Kubectl.StartInfo(Cluster, Cluster.Files.CertificateKubeconfig, "proxy", "proxy", "--port=0", "--address=127.0.0.1");
        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var match = Regex.Match(line ?? "", @"Starting to serve on 127\.0\.0\.1:(\d+)");
            Assert.True(match.Success, $"unexpected kubectl proxy output: {line}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{match.Groups[1].Value}") };

            var api = JsonNode.Parse(await http.GetStringAsync("/api/"))!;
            Assert.Equal("APIVersions", api["kind"]!.GetValue<string>());
            Assert.Equal($"127.0.0.1:{Cluster.ApiServerPort}",
                api["serverAddressByClientCIDRs"]![0]!["serverAddress"]!.GetValue<string>());

            var echo = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/services/echo:http/proxy/through/kubectl"))!;
            Assert.Equal("http", echo["backend"]!.GetValue<string>());
            Assert.Equal("/through/kubectl", echo["path"]!.GetValue<string>());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}

/// <summary>kubectl's view of the Insecure posture: weak kubelets are still proxied, and AlwaysAllow lets anyone do anything.</summary>
public sealed class KubectlInsecurePostureTests
{
    [SkippableFact]
    public async Task AlwaysAllowAndUnverifiedKubeletsAreVisibleToKubectl()
    {
        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Insecure, NodeCount = 2 });

        var pods = await Kubectl.RunAsync(cluster, cluster.Files.InsecureKubeconfig, "get", "--raw", "/api/v1/nodes/node-1/proxy/pods");
        Assert.True(pods.ExitCode == 0, pods.ToString());
        Assert.Equal("PodList", JsonNode.Parse(pods.Output)!["kind"]!.GetValue<string>());

        var canI = await Kubectl.RunAsync(cluster, cluster.Files.MultiContextKubeconfig,
            "--context", "sandbox-sa", "auth", "can-i", "list", "secrets", "-n", "kube-system");
        Assert.True(canI.ExitCode == 0 && canI.Output.Trim() == "yes", canI.ToString());
    }
}
