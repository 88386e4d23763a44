using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using K8sComm.Shell;
using K8sComm.Tests.Infrastructure;

namespace K8sComm.Tests;

/// <summary>New-ProxyUrl in the real engine: binding, pipeline input of every shape, errors, and no network.</summary>
public sealed class NewProxyUrlTests
{
    private const string Secret = "token-marker-3f9a";

    private static string Kubeconfig(string server, string? ns = null) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: {server}
            insecure-skip-tls-verify: true
        contexts:
        - name: x
          context:
            cluster: c
            user: u
        {(ns is null ? "" : $"    namespace: {ns}")}
        current-context: x
        users:
        - name: u
          user:
            token: {Secret}
        """;

    private static string[] Strings(ScriptResult result) => result.Output.Select(o => o.ToString()).ToArray();

    [Fact]
    public void Each_parameter_set_builds_its_form()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            New-ProxyUrl kube-dns -Namespace kube-system -Port dns -BaseUri https://10.0.0.1:6443/ -AsString
            New-ProxyUrl -Service es -Namespace logging -Scheme https -Relative -AsString
            New-ProxyUrl -Pod web-0 -Port 8080 -Path /metrics/ -Query 'a=1&b=x y' -Relative -AsString
            New-ProxyUrl -Node node-1 -Scheme https -Port 10250 -Relative -AsString
            New-ProxyUrl -Service web -Query @{ q = 'a&b'; n = 1, 2 } -Relative -AsString
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            "https://10.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy",
            "/api/v1/namespaces/logging/services/https:es:/proxy",
            "/api/v1/namespaces/default/pods/web-0:8080/proxy/metrics/?a=1&b=x%20y",
            "/api/v1/nodes/https:node-1:10250/proxy",
        ], Strings(result)[..4]);
        var query = Strings(result)[4];
        Assert.Contains("q=a%26b", query);
        Assert.Contains("n=1&n=2", query);
    }

    [Fact]
    public void The_output_object_carries_its_parts_and_its_findings()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $u = New-ProxyUrl -Service web -Namespace apps -Scheme https -Port https -Path '/a b' -Relative
            $u.GetType().FullName
            $u.Url -is [System.Uri]
            "$u"
            $u.Kind, $u.Namespace, $u.Name, $u.Scheme, $u.Port, $u.Path -join '|'
            $u.Findings.Id
            (New-ProxyUrl -Service web -Relative).Findings.Id
            (New-ProxyUrl -Node n1 -Relative).Findings.Id
            # Uri's own ToString would drop :443 and unescape %20; the Url property keeps the text as built.
            "$((New-ProxyUrl -Service web -Path '/a b' -BaseUri https://h:443).Url)"
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            "K8sComm.ProxyUrl", "True", "/api/v1/namespaces/apps/services/https:web:https/proxy/a%20b",
            "Service|apps|web|https|https|/a b", "ProxiedBackendUnverified", "ProxiedHopPlaintext", "ProxiedToKubelet",
            "https://h:443/api/v1/namespaces/default/services/web/proxy/a%20b",
        ], Strings(result));
    }

    [Fact]
    public void The_base_comes_from_the_kubeconfig_without_connecting_and_keeps_its_path_prefix()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var session = ModuleSession.Start();
            var result = session.Invoke("""
                New-ProxyUrl -Service web -KubeconfigContent $Config -AsString
                New-ProxyUrl -Service web -Namespace other -KubeconfigContent $Config -AsString
                New-ProxyUrl -Service web -KubeconfigContent $NoNamespace -AsString
                """, ModuleSession.Vars(
                ("Config", Kubeconfig($"https://127.0.0.1:{port}/clusters/a", "apps")),
                ("NoNamespace", Kubeconfig($"https://127.0.0.1:{port}"))));

            Assert.Empty(result.Errors);
            Assert.Equal(
            [
                $"https://127.0.0.1:{port}/clusters/a/api/v1/namespaces/apps/services/web/proxy",
                $"https://127.0.0.1:{port}/clusters/a/api/v1/namespaces/other/services/web/proxy",
                $"https://127.0.0.1:{port}/api/v1/namespaces/default/services/web/proxy",
            ], Strings(result));
            Assert.False(listener.Pending(), "New-ProxyUrl connected to the API server");
            Assert.DoesNotContain(Secret, result.AllText());
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The shape ConvertFrom-Json gives (nested PSCustomObjects, arrays, Int64 numbers), built by hand:
    /// the engine host has no Microsoft.PowerShell.Utility. The Pester tests pipe real ConvertFrom-Json output.</summary>
    [Fact]
    public void ConvertFrom_Json_items_give_one_url_per_service_port_unless_Port_picks_one()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            function Item($kind, $name, $ns, $ports) {
                $metadata = [ordered]@{ name = $name }
                if ($ns) { $metadata.namespace = $ns }
                $item = [ordered]@{ kind = $kind; apiVersion = 'v1'; metadata = [pscustomobject]$metadata }
                if ($ports) { $item.spec = [pscustomobject]@{ ports = [object[]]$ports } }
                [pscustomobject]$item
            }
            function Port($name, [long]$port) { if ($name) { [pscustomobject]@{ name = $name; port = $port } } else { [pscustomobject]@{ port = $port } } }
            $items = @(
                Item Service echo default @((Port http 80), (Port https 8443), (Port $null 443), (Port $null 9000))
                Item Pod echo-0 apps
                Item Node node-1)
            $items | New-ProxyUrl -Relative -AsString
            '--'
            $items[0] | New-ProxyUrl -Port 9000 -Relative -AsString
            $items[1] | New-ProxyUrl -Namespace override -Relative -AsString
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            "/api/v1/namespaces/default/services/echo:http/proxy",
            "/api/v1/namespaces/default/services/https:echo:https/proxy",
            "/api/v1/namespaces/default/services/https:echo:443/proxy",
            "/api/v1/namespaces/default/services/echo:9000/proxy",
            "/api/v1/namespaces/apps/pods/echo-0/proxy",
            "/api/v1/nodes/node-1/proxy",
            "--",
            "/api/v1/namespaces/default/services/echo:9000/proxy",
            "/api/v1/namespaces/override/pods/echo-0/proxy",
        ], Strings(result));
    }

    [Fact]
    public void KubernetesClient_objects_bind_from_the_pipeline()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("""
            $k8s = [K8sComm.Loading.ModuleInitializer]::DependencyContext.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('KubernetesClient'))
            function New-Model($name) { [Activator]::CreateInstance($k8s.GetType("k8s.Models.$name", $true)) }
            $svc = New-Model V1Service
            $svc.Metadata = New-Model V1ObjectMeta
            $svc.Metadata.Name = 'kube-dns'
            $svc.Metadata.NamespaceProperty = 'kube-system'
            $svc.Spec = New-Model V1ServiceSpec
            $port = New-Model V1ServicePort
            $port.Name = 'dns-tcp'; $port.Port = 53
            $ports = [Activator]::CreateInstance([System.Collections.Generic.List[object]].GetGenericTypeDefinition().MakeGenericType(@($port.GetType())))
            $ports.Add($port)
            $svc.Spec.Ports = $ports
            $pod = New-Model V1Pod
            $pod.Metadata = New-Model V1ObjectMeta
            $pod.Metadata.Name = 'coredns-0'
            $pod.Metadata.NamespaceProperty = 'kube-system'
            $node = New-Model V1Node
            $node.Metadata = New-Model V1ObjectMeta
            $node.Metadata.Name = 'node-0'
            $svc, $pod, $node | New-ProxyUrl -BaseUri http://127.0.0.1:8001 -AsString
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            "http://127.0.0.1:8001/api/v1/namespaces/kube-system/services/kube-dns:dns-tcp/proxy",
            "http://127.0.0.1:8001/api/v1/namespaces/kube-system/pods/coredns-0/proxy",
            "http://127.0.0.1:8001/api/v1/nodes/node-0/proxy",
        ], Strings(result));
    }

    [Theory]
    [InlineData("New-ProxyUrl -Service Web_1, good -Relative -AsString", "K8sComm.ProxyNameInvalid", "InvalidArgument")]
    [InlineData("New-ProxyUrl -Service web -Namespace NS, good -Relative -AsString", "K8sComm.ProxyNameInvalid", "InvalidArgument")]
    [InlineData("New-ProxyUrl -Pod web -Port http -Relative -AsString; New-ProxyUrl -Service good -Relative -AsString", "K8sComm.ProxyPortInvalid", "InvalidArgument")]
    [InlineData("New-ProxyUrl -Service web -Path '../../secrets' -Relative -AsString; New-ProxyUrl -Service good -Relative -AsString", "K8sComm.ProxyPathInvalid", "InvalidArgument")]
    [InlineData("New-ProxyUrl -Service web -Path '/a%2fb' -Relative -AsString; New-ProxyUrl -Service good -Relative -AsString", "K8sComm.ProxyPathInvalid", "InvalidArgument")]
    [InlineData("[pscustomobject]@{ kind = 'ConfigMap'; metadata = @{ name = 'x' } }, [pscustomobject]@{ kind = 'Service'; metadata = @{ name = 'good' } } | New-ProxyUrl -Relative -AsString", "K8sComm.ProxyInputInvalid", "InvalidType")]
    public void Bad_input_is_an_error_for_that_item_only_and_never_a_url(string script, string id, string category)
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke(script.Replace("-Namespace NS, good", "-Namespace NS") +
            (script.Contains("NS, good") ? "; New-ProxyUrl -Service good -Relative -AsString" : ""));

        var error = Assert.Single(result.Errors);
        Assert.Equal(id + ",K8sComm.Commands.NewProxyUrlCommand", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category.ToString());
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction));
        Assert.Equal(["/api/v1/namespaces/default/services/good/proxy"], Strings(result));
    }

    [Fact]
    public void Two_ways_of_choosing_the_base_are_refused()
    {
        using var session = ModuleSession.Start();
        var result = session.Invoke("New-ProxyUrl -Service web -BaseUri http://127.0.0.1:8001 -KubeconfigContent $C",
            ModuleSession.Vars(("C", Kubeconfig("https://127.0.0.1:6443"))));
        var error = Assert.Single(result.Errors);
        Assert.Equal("K8sComm.ConnectionParametersConflict,K8sComm.Commands.NewProxyUrlCommand", error.FullyQualifiedErrorId);
        Assert.Empty(result.Output);

        var bad = session.Invoke("New-ProxyUrl -Service web -BaseUri ftp://example.com");
        Assert.Equal("K8sComm.ProxyBaseInvalid,K8sComm.Commands.NewProxyUrlCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Errors_speak_Korean_under_ko_KR()
    {
        using var session = ModuleSession.Start("ko-KR");
        var result = session.Invoke("New-ProxyUrl -Service Bad -Relative");
        var error = Assert.Single(result.Errors);
        Assert.Contains("DNS-1123 label", error.ErrorDetails!.Message);
        Assert.Contains("URL을 만들지 않았다", error.ErrorDetails.Message);
        var finding = session.Invoke("(New-ProxyUrl -Service web -Scheme https -Relative).Findings[0].Message");
        Assert.Contains("인증서를 확인하지 않고", Assert.Single(finding.Output).ToString());
    }
}
