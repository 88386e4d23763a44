using k8s.Models;
using K8sComm.Core.ApiProxy;
using Xunit;

namespace K8sComm.Core.Tests.ApiProxy;

/// <summary>kubectl cluster-info's rules (clusterinfo.go), one case each.</summary>
public class ClusterInfoRulesTests
{
    private static readonly Uri Server = new("https://104.197.5.247:6443");

    private static V1Service Service(string name, IDictionary<string, string>? labels = null, V1LoadBalancerIngress? ingress = null,
        params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "kube-system", Labels = labels },
        Spec = new V1ServiceSpec { Ports = ports },
        Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = ingress is null ? null : [ingress] } },
    };

    private static ClusterInfoEntry Only(V1Service service) =>
        ClusterInfoRules.Describe(Server, [service]).Skip(1).Single();

    [Fact]
    public void The_control_plane_comes_first_as_the_server_is_written()
    {
        var first = ClusterInfoRules.Describe(new Uri("https://k8s.example.com:443/prefix"), []).Single();
        Assert.Equal(("Kubernetes control plane", "https://k8s.example.com:443/prefix", ClusterInfoEntryKind.ControlPlane),
            (first.Name, first.Url, first.Kind));
    }

    [Fact]
    public void A_named_first_port_follows_the_service_name()
    {
        var entry = Only(Service("kube-dns", new Dictionary<string, string> { ["kubernetes.io/name"] = "CoreDNS" },
            null, new V1ServicePort { Name = "dns", Port = 53 }, new V1ServicePort { Name = "metrics", Port = 9153 }));
        Assert.Equal("CoreDNS", entry.Name);
        Assert.Equal("kube-dns", entry.Service);
        Assert.Equal("https://104.197.5.247:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy", entry.Url);
    }

    [Fact]
    public void An_unnamed_port_leaves_the_name_alone_and_443_means_https_with_the_trailing_colon()
    {
        Assert.EndsWith("/services/plain/proxy", Only(Service("plain", null, null, new V1ServicePort { Port = 8080 })).Url);
        Assert.EndsWith("/services/https:secure:/proxy", Only(Service("secure", null, null, new V1ServicePort { Port = 443 })).Url);
        Assert.EndsWith("/services/https:named:https/proxy",
            Only(Service("named", null, null, new V1ServicePort { Name = "https", Port = 8443 })).Url);
        Assert.EndsWith("/services/https:web:web/proxy", Only(Service("web", null, null, new V1ServicePort { Name = "web", Port = 443 })).Url);
        Assert.EndsWith("/services/none/proxy", Only(Service("none")).Url);
    }

    [Fact]
    public void An_empty_name_label_falls_back_to_the_service_name()
    {
        Assert.Equal("dash", Only(Service("dash", new Dictionary<string, string> { ["kubernetes.io/name"] = "" }, null)).Name);
    }

    [Fact]
    public void A_load_balancer_shows_http_to_the_first_ingress_for_every_port()
    {
        var entries = ClusterInfoRules.Describe(Server, [Service("lb", null,
            new V1LoadBalancerIngress { Ip = "203.0.113.7", Hostname = "lb.example.com" },
            new V1ServicePort { Name = "https", Port = 443 }, new V1ServicePort { Name = "http", Port = 80 })]).Skip(1).ToList();
        Assert.Equal(["http://203.0.113.7:443", "http://203.0.113.7:80"], entries.Select(e => e.Url));
        Assert.All(entries, e => Assert.True(e.LoadBalancer));

        var byName = Only(Service("lbh", null, new V1LoadBalancerIngress { Hostname = "lb.example.com" }, new V1ServicePort { Port = 8080 }));
        Assert.Equal("http://lb.example.com:8080", byName.Url);
    }
}
