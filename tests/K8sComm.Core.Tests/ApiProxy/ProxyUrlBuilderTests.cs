using K8sComm.Core.ApiProxy;
using Xunit;

namespace K8sComm.Core.Tests.ApiProxy;

/// <summary>Every form of the proxy verb's URL, as seed 003 lists them, and what the builder refuses.</summary>
public class ProxyUrlBuilderTests
{
    private static readonly ProxyUrlBuilder Server = new(new Uri("https://104.197.5.247"));

    [Theory]
    [InlineData(ProxyScheme.Default, null, "/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy")]
    [InlineData(ProxyScheme.Http, null, "/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy")]
    [InlineData(ProxyScheme.Default, "http", "/api/v1/namespaces/kube-system/services/elasticsearch-logging:http/proxy")]
    [InlineData(ProxyScheme.Default, "9200", "/api/v1/namespaces/kube-system/services/elasticsearch-logging:9200/proxy")]
    [InlineData(ProxyScheme.Https, null, "/api/v1/namespaces/kube-system/services/https:elasticsearch-logging:/proxy")]
    [InlineData(ProxyScheme.Https, "https", "/api/v1/namespaces/kube-system/services/https:elasticsearch-logging:https/proxy")]
    [InlineData(ProxyScheme.Https, "443", "/api/v1/namespaces/kube-system/services/https:elasticsearch-logging:443/proxy")]
    public void Service_forms(ProxyScheme scheme, string? port, string expected)
    {
        var request = ProxyRequest.ForService("kube-system", "elasticsearch-logging", scheme, port);
        Assert.Equal("https://104.197.5.247" + expected, Server.Build(request));
        Assert.Equal(expected, new ProxyUrlBuilder().Build(request));
    }

    [Theory]
    [InlineData(ProxyScheme.Default, null, "/api/v1/namespaces/default/pods/web-0.web/proxy")]
    [InlineData(ProxyScheme.Default, "8080", "/api/v1/namespaces/default/pods/web-0.web:8080/proxy")]
    [InlineData(ProxyScheme.Https, null, "/api/v1/namespaces/default/pods/https:web-0.web:/proxy")]
    [InlineData(ProxyScheme.Https, "8443", "/api/v1/namespaces/default/pods/https:web-0.web:8443/proxy")]
    public void Pod_forms(ProxyScheme scheme, string? port, string expected) =>
        Assert.Equal(expected, new ProxyUrlBuilder().Build(ProxyRequest.ForPod("default", "web-0.web", scheme, port)));

    [Theory]
    [InlineData(ProxyScheme.Default, null, "/api/v1/nodes/ip-10-0-0-1.ec2.internal/proxy")]
    [InlineData(ProxyScheme.Default, "10255", "/api/v1/nodes/ip-10-0-0-1.ec2.internal:10255/proxy")]
    [InlineData(ProxyScheme.Https, null, "/api/v1/nodes/https:ip-10-0-0-1.ec2.internal:/proxy")]
    [InlineData(ProxyScheme.Https, "10250", "/api/v1/nodes/https:ip-10-0-0-1.ec2.internal:10250/proxy")]
    public void Node_forms(ProxyScheme scheme, string? port, string expected) =>
        Assert.Equal(expected, new ProxyUrlBuilder().Build(ProxyRequest.ForNode("ip-10-0-0-1.ec2.internal", scheme, port)));

    [Fact]
    public void The_seed_examples_come_out_as_written()
    {
        var search = ProxyRequest.ForService("kube-system", "elasticsearch-logging") with { Path = "/_search", Query = "q=user:kimchy" };
        Assert.Equal("https://104.197.5.247/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/_search?q=user:kimchy",
            Server.Build(search));
        var health = ProxyRequest.ForService("kube-system", "elasticsearch-logging") with { Path = "_cluster/health", Query = "?pretty=true" };
        Assert.Equal("https://104.197.5.247/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/_cluster/health?pretty=true",
            Server.Build(health));
    }

    [Theory]
    [InlineData("https://k8s.example.com:6443", "https://k8s.example.com:6443")]
    [InlineData("https://k8s.example.com:6443/", "https://k8s.example.com:6443")]
    [InlineData("https://lb.example.com/clusters/prod", "https://lb.example.com/clusters/prod")]
    [InlineData("https://lb.example.com/clusters/prod/", "https://lb.example.com/clusters/prod")]
    [InlineData("http://localhost:8001", "http://localhost:8001")]
    [InlineData("http://[::1]:8001", "http://[::1]:8001")]
    [InlineData("https://k8s.example.com:443", "https://k8s.example.com:443")]
    [InlineData("https://user:secret@k8s.example.com:6443/p?x=1#f", "https://k8s.example.com:6443/p")]
    public void The_base_keeps_its_path_prefix_and_loses_credentials_query_and_fragment(string baseUri, string prefix)
    {
        var builder = new ProxyUrlBuilder(new Uri(baseUri));
        Assert.Equal(prefix, builder.Prefix);
        Assert.Equal(prefix + "/api/v1/nodes/n1/proxy", builder.Build(ProxyRequest.ForNode("n1")));
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("file:///tmp/x")]
    public void A_base_that_is_not_http_is_refused(string baseUri)
    {
        var e = Assert.Throws<K8sCommException>(() => new ProxyUrlBuilder(new Uri(baseUri)));
        Assert.Equal(FailureReason.ProxyBaseInvalid, e.Reason);
    }

    [Theory]
    [InlineData("/", "/proxy/")]
    [InlineData("a/b/", "/proxy/a/b/")]
    [InlineData("/a b/c?d#e", "/proxy/a%20b/c%3Fd%23e")]
    [InlineData("/100%", "/proxy/100%25")]
    [InlineData("/%41", "/proxy/%2541")]
    [InlineData("/ünï", "/proxy/%C3%BCn%C3%AF")]
    [InlineData("/😀", "/proxy/%F0%9F%98%80")]
    [InlineData("/a:b@c;d=e,f+g!$&'()*~_-.x", "/proxy/a:b@c;d=e,f+g!$&'()*~_-.x")]
    [InlineData("/...", "/proxy/...")]
    [InlineData("/.well-known/x", "/proxy/.well-known/x")]
    public void Path_segments_are_percent_encoded_and_a_trailing_slash_kept(string path, string expected)
    {
        var url = new ProxyUrlBuilder().Build(ProxyRequest.ForService("default", "web") with { Path = path });
        Assert.Equal("/api/v1/namespaces/default/services/web" + expected, url);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("/../../secrets")]
    [InlineData("/a/../../b")]
    [InlineData("/a/./b")]
    [InlineData("./")]
    [InlineData("/a/..")]
    [InlineData("/%2e%2e/x")]
    [InlineData("/%2E./x")]
    [InlineData("/a%2Fb")]
    [InlineData("/a%2fb")]
    [InlineData("/a%5Cb")]
    [InlineData("/a\\b")]
    [InlineData("/..\\x")]
    [InlineData("/a\u0000b")]
    [InlineData("/a\nb")]
    [InlineData("/a\u007fb")]
    public void Paths_that_could_climb_out_of_the_proxy_prefix_are_refused(string path)
    {
        var e = Assert.Throws<K8sCommException>(() => new ProxyUrlBuilder().Build(ProxyRequest.ForService("default", "web") with { Path = path }));
        Assert.Equal(FailureReason.ProxyPathInvalid, e.Reason);
        Assert.Equal(path, e.Target);
    }

    [Fact]
    public void Text_that_is_not_valid_Unicode_is_refused()
    {
        var lone = "/a" + (char)0xD800 + "b";
        var builder = new ProxyUrlBuilder();
        Assert.Equal(FailureReason.ProxyPathInvalid, Assert.Throws<K8sCommException>(() =>
            builder.Build(ProxyRequest.ForNode("n") with { Path = lone })).Reason);
        Assert.Equal(FailureReason.ProxyPathInvalid, Assert.Throws<K8sCommException>(() =>
            builder.Build(ProxyRequest.ForNode("n") with { Query = "q=" + lone })).Reason);
    }

    [Theory]
    [InlineData("a=1&b=2", "?a=1&b=2")]
    [InlineData("?a=1", "?a=1")]
    [InlineData("q=user:kimchy&x=/y?z", "?q=user:kimchy&x=/y?z")]
    [InlineData("q=a b#c", "?q=a%20b%23c")]
    [InlineData("q=%20ok&r=100%", "?q=%20ok&r=100%25")]
    [InlineData("q=한글", "?q=%ED%95%9C%EA%B8%80")]
    [InlineData("?", "")]
    public void Queries_are_encoded_only_where_a_query_needs_it(string query, string expected)
    {
        var url = new ProxyUrlBuilder().Build(ProxyRequest.ForNode("n1") with { Query = query });
        Assert.Equal("/api/v1/nodes/n1/proxy" + expected, url);
    }

    [Fact]
    public void A_query_from_pairs_encodes_each_name_and_value_as_data()
    {
        var query = ProxyEncoding.QueryFrom([new("q", "a&b=c"), new("flag", null), new("π", "/")]);
        Assert.Equal("q=a%26b%3Dc&flag&%CF%80=%2F", query);
    }

    [Theory]
    [InlineData(ProxyTargetKind.Service, "Web")]
    [InlineData(ProxyTargetKind.Service, "web.internal")]
    [InlineData(ProxyTargetKind.Service, "-web")]
    [InlineData(ProxyTargetKind.Service, "web-")]
    [InlineData(ProxyTargetKind.Service, "")]
    [InlineData(ProxyTargetKind.Service, "a:b")]
    [InlineData(ProxyTargetKind.Service, "https:web")]
    [InlineData(ProxyTargetKind.Service, "web/../secrets")]
    [InlineData(ProxyTargetKind.Service, "..")]
    [InlineData(ProxyTargetKind.Pod, "web..0")]
    [InlineData(ProxyTargetKind.Pod, ".web")]
    [InlineData(ProxyTargetKind.Pod, "web_0")]
    [InlineData(ProxyTargetKind.Node, "node%2F1")]
    [InlineData(ProxyTargetKind.Node, "node 1")]
    public void Names_outside_the_rules_are_refused(ProxyTargetKind kind, string name)
    {
        var request = new ProxyRequest(kind, kind == ProxyTargetKind.Node ? null : "default", name);
        var e = Assert.Throws<K8sCommException>(() => new ProxyUrlBuilder().Build(request));
        Assert.Equal(FailureReason.ProxyNameInvalid, e.Reason);
        Assert.Equal(name, e.Arguments[1]);
    }

    [Fact]
    public void Name_length_limits_are_Kubernetes_own()
    {
        var builder = new ProxyUrlBuilder();
        builder.Build(ProxyRequest.ForService("default", new string('a', 63)));
        Assert.Throws<K8sCommException>(() => builder.Build(ProxyRequest.ForService("default", new string('a', 64))));
        Assert.Throws<K8sCommException>(() => builder.Build(ProxyRequest.ForService(new string('a', 64), "web")));
        var longPod = string.Join('.', Enumerable.Repeat(new string('a', 100), 2)) + "." + new string('b', 51); // 253
        builder.Build(ProxyRequest.ForPod("default", longPod));
        Assert.Throws<K8sCommException>(() => builder.Build(ProxyRequest.ForPod("default", longPod + "b")));
    }

    [Theory]
    [InlineData("WEB")]
    [InlineData("a_b")]
    [InlineData("")]
    public void A_bad_namespace_is_refused(string ns)
    {
        var e = Assert.Throws<K8sCommException>(() => new ProxyUrlBuilder().Build(ProxyRequest.ForService(ns, "web")));
        Assert.Equal(FailureReason.ProxyNameInvalid, e.Reason);
        Assert.Equal("namespace", e.Arguments[0]);
    }

    [Theory]
    [InlineData(ProxyTargetKind.Service, "0")]
    [InlineData(ProxyTargetKind.Service, "65536")]
    [InlineData(ProxyTargetKind.Service, "080")]
    [InlineData(ProxyTargetKind.Service, "-1")]
    [InlineData(ProxyTargetKind.Service, "+80")]
    [InlineData(ProxyTargetKind.Service, "HTTP")]
    [InlineData(ProxyTargetKind.Service, "my--port")]
    [InlineData(ProxyTargetKind.Service, "-http")]
    [InlineData(ProxyTargetKind.Service, "a-very-long-port-name")]
    [InlineData(ProxyTargetKind.Service, "http:80")]
    [InlineData(ProxyTargetKind.Service, "")]
    [InlineData(ProxyTargetKind.Pod, "http")]
    [InlineData(ProxyTargetKind.Node, "kubelet")]
    public void Ports_outside_the_rules_are_refused(ProxyTargetKind kind, string port)
    {
        var request = new ProxyRequest(kind, kind == ProxyTargetKind.Node ? null : "default", "web", Port: port);
        var e = Assert.Throws<K8sCommException>(() => new ProxyUrlBuilder().Build(request));
        Assert.Equal(FailureReason.ProxyPortInvalid, e.Reason);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("65535")]
    [InlineData("http")]
    [InlineData("h2c")]
    [InlineData("dns-tcp")]
    [InlineData("a23456789012345")]
    public void Service_ports_may_be_names_or_numbers(string port) =>
        Assert.EndsWith($"web:{port}/proxy", new ProxyUrlBuilder().Build(ProxyRequest.ForService("default", "web", port: port)));

    [Fact]
    public void Each_hop_gets_the_finding_that_describes_it()
    {
        Assert.Equal(ProxyFindings.ProxiedHopPlaintext, Assert.Single(ProxyFindings.For(ProxyRequest.ForService("d", "w"))).Id);
        Assert.Equal(ProxyFindings.ProxiedBackendUnverified,
            Assert.Single(ProxyFindings.For(ProxyRequest.ForPod("d", "w", ProxyScheme.Https))).Id);
        Assert.Equal(ProxyFindings.ProxiedToKubelet, Assert.Single(ProxyFindings.For(ProxyRequest.ForNode("n"))).Id);
        Assert.Equal(ProxyFindings.ProxiedHopPlaintext, Assert.Single(ProxyFindings.For(ProxyRequest.ForNode("n", port: "10255"))).Id);
        Assert.Equal("https", ProxyUrlBuilder.EffectiveScheme(ProxyRequest.ForNode("n")));
        Assert.Equal("http", ProxyUrlBuilder.EffectiveScheme(ProxyRequest.ForService("d", "w", port: "https")));
    }

    [Theory]
    [InlineData("name", "", "name", "")]
    [InlineData("name:port", "", "name", "port")]
    [InlineData("https:name:", "https", "name", "")]
    [InlineData("http:name:80", "http", "name", "80")]
    public void SplitSchemeNamePort_matches_apimachinery(string id, string scheme, string name, string port)
    {
        Assert.True(ProxyPathParser.SplitSchemeNamePort(id, out var s, out var n, out var p));
        Assert.Equal((scheme, name, port), (s, n, p));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":80")]
    [InlineData("ftp:name:21")]
    [InlineData("a:b:c:d")]
    [InlineData("https:name")] // two parts: "https" is the name, "name" the port
    public void SplitSchemeNamePort_rejects_what_apimachinery_rejects(string id)
    {
        var valid = ProxyPathParser.SplitSchemeNamePort(id, out var scheme, out var name, out _);
        if (id == "https:name")
            Assert.Equal(("", "https"), (scheme, name)); // valid, but not what the user meant: why https needs the trailing colon
        else
            Assert.False(valid);
    }
}
