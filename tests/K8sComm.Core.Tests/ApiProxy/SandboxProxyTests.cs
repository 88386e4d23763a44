using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sComm.Core.Api;
using K8sComm.Core.ApiProxy;
using K8sComm.Core.Discovery;
using K8sComm.Sandbox;
using Xunit;

namespace K8sComm.Core.Tests.ApiProxy;

public sealed class ProxySandboxFixture : IAsyncLifetime
{
    public SandboxCluster Cluster { get; private set; } = null!;
    public ResolvedEndpoint Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 2 });
        Endpoint = new EndpointResolver().Resolve(KubeconfigLoader.Load([Cluster.Files.CertificateKubeconfig]));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Built URLs against the sandbox: they reach the backend they name through the API server with the endpoint's
/// own credentials, and through <c>kubectl proxy</c> as a base; cluster info matches <c>kubectl cluster-info</c>.
/// </summary>
public class SandboxProxyTests(ProxySandboxFixture sandbox) : IClassFixture<ProxySandboxFixture>
{
    private SandboxCluster Cluster => sandbox.Cluster;

    public static TheoryData<string, ProxyScheme, string, string> EchoTargets => new()
    {
        // port, scheme, expected backend, sub-path
        { "http", ProxyScheme.Default, "http", "/by/name" },
        { "80", ProxyScheme.Http, "http", "/by/number/" },
        { "https", ProxyScheme.Https, "https", "/secure/by name" },
        { "443", ProxyScheme.Https, "https", "/" },
    };

    [Theory]
    [MemberData(nameof(EchoTargets))]
    public async Task A_service_url_reaches_the_backend_by_port_name_and_number(string port, ProxyScheme scheme, string backend, string path)
    {
        var request = ProxyRequest.ForService("default", "echo", scheme, port) with { Path = path, Query = "q=a b&x=1" };
        var echo = await FetchJson(request);
        Assert.Equal(backend, echo["backend"]!.GetValue<string>());
        Assert.Equal(path, echo["path"]!.GetValue<string>());
        Assert.Equal("?q=a%20b&x=1", echo["query"]!.GetValue<string>());
        Assert.Equal("absent", echo["authorization"]!.GetValue<string>()); // credentials stop at the API server
    }

    [Fact]
    public async Task A_pod_url_reaches_its_default_and_its_numbered_port()
    {
        var byDefault = await FetchJson(ProxyRequest.ForPod("default", "echo-0") with { Path = "/pod" });
        Assert.Equal(("http", "/pod"), (byDefault["backend"]!.GetValue<string>(), byDefault["path"]!.GetValue<string>()));

        var secure = await FetchJson(ProxyRequest.ForPod("default", "echo-0", ProxyScheme.Https, Cluster.Backends.HttpsPort.ToString()));
        Assert.Equal("https", secure["backend"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_node_url_reaches_the_kubelet()
    {
        var configz = await FetchJson(ProxyRequest.ForNode("node-1") with { Path = "/configz" });
        Assert.Equal(Cluster.Kubelets[1].Port, configz["kubeletconfig"]!["port"]!.GetValue<int>());

        var https = await FetchJson(ProxyRequest.ForNode("node-0", ProxyScheme.Https, Cluster.Kubelets[0].Port.ToString()) with { Path = "/configz" });
        Assert.Equal(Cluster.Kubelets[0].Port, https["kubeletconfig"]!["port"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task The_same_urls_work_through_kubectl_proxy_as_the_base()
    {
        Skip.If(Kubectl.IsMissing, Kubectl.MissingReason);
        var start = Kubectl.StartInfo(Cluster, Cluster.Files.CertificateKubeconfig, "apiproxy-proxy", "proxy", "--port=0", "--address=127.0.0.1");
        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var match = Regex.Match(line ?? "", @"Starting to serve on 127\.0\.0\.1:(\d+)");
            Assert.True(match.Success, $"unexpected kubectl proxy output: {line}");
            var builder = new ProxyUrlBuilder(new Uri($"http://127.0.0.1:{match.Groups[1].Value}"));
            using var http = new HttpClient();

            async Task<JsonNode> Get(ProxyRequest request) => JsonNode.Parse(await http.GetStringAsync(builder.Build(request)))!;

            var service = await Get(ProxyRequest.ForService("default", "echo", ProxyScheme.Https, "https") with { Path = "/via/kubectl" });
            Assert.Equal(("https", "/via/kubectl"), (service["backend"]!.GetValue<string>(), service["path"]!.GetValue<string>()));
            var byNumber = await Get(ProxyRequest.ForService("default", "echo", port: "80"));
            Assert.Equal("http", byNumber["backend"]!.GetValue<string>());
            var pod = await Get(ProxyRequest.ForPod("default", "echo-0") with { Path = "/p" });
            Assert.Equal("/p", pod["path"]!.GetValue<string>());
            var node = await Get(ProxyRequest.ForNode("node-0") with { Path = "/configz" });
            Assert.Equal(Cluster.Kubelets[0].Port, node["kubeletconfig"]!["port"]!.GetValue<int>());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [SkippableTheory]
    [InlineData("kube-system")]
    [InlineData("default")]
    public async Task Cluster_info_equals_what_kubectl_prints(string ns)
    {
        Skip.If(Kubectl.IsMissing, Kubectl.MissingReason);
        using var client = new ApiServerClient(sandbox.Endpoint);
        var ours = await ClusterInfoRules.ReadAsync(client, ns, CancellationToken.None);

        var result = await Kubectl.RunAsync(Cluster, Cluster.Files.CertificateKubeconfig, "cluster-info", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        var theirs = KubectlClusterInfo(result.Output);

        Assert.Equal(theirs, ours.Select(e => (e.Name, e.Url)));
        if (ns == "kube-system")
        {
            // Every rule has a case in the sandbox: a name label, https by name and by 443, load balancers by IP and hostname.
            Assert.Contains(ours, e => e.Name == "CoreDNS" && e.Url.EndsWith("/services/kube-dns:dns/proxy", StringComparison.Ordinal));
            Assert.Contains(ours, e => e.Url.EndsWith("/services/https:metrics-server:https/proxy", StringComparison.Ordinal));
            Assert.Contains(ours, e => e.Url.EndsWith("/services/https:kubernetes-dashboard:/proxy", StringComparison.Ordinal));
            Assert.Contains(ours, e => e.Url == "http://203.0.113.10:443");
            Assert.Contains(ours, e => e.Url == "http://registry.sandbox.example:5000");
        }
        else
        {
            Assert.Single(ours);
        }
    }

    /// <summary>kubectl's lines as (name, url) pairs; a load balancer's line holds one URL per port.</summary>
    internal static List<(string Name, string Url)> KubectlClusterInfo(string output)
    {
        var plain = Regex.Replace(output, @"\x1b\[[0-9;]*m", "");
        var pairs = new List<(string, string)>();
        foreach (var line in plain.Split('\n'))
        {
            var at = line.IndexOf(" is running at ", StringComparison.Ordinal);
            if (at < 0)
                continue;
            foreach (var url in line[(at + " is running at ".Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                pairs.Add((line[..at], url));
        }
        return pairs;
    }

    private async Task<JsonNode> FetchJson(ProxyRequest request)
    {
        var absolute = new ProxyUrlBuilder(sandbox.Endpoint.Server).Build(request);
        var relative = new ProxyUrlBuilder().Build(request);
        Assert.Equal(Cluster.ApiServerUri.ToString().TrimEnd('/') + relative, absolute);

        using var client = new ApiServerClient(sandbox.Endpoint);
        var response = await client.GetAsync(relative, CancellationToken.None);
        Assert.True(response.IsSuccess, $"{relative}: {(int)response.StatusCode} {response.Body}");
        return JsonNode.Parse(response.Body)!;
    }
}
