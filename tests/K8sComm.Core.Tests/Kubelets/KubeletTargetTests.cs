using k8s.Models;
using K8sComm.Core.Kubelets;
using Xunit;

namespace K8sComm.Core.Tests.Kubelets;

public class KubeletTargetTests
{
    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5", 10250)]
    [InlineData("10.0.0.5:11250", "10.0.0.5", 11250)]
    [InlineData("node-a.internal", "node-a.internal", 10250)]
    [InlineData(" node-a:1 ", "node-a", 1)]
    [InlineData("[fd00::5]", "fd00::5", 10250)]
    [InlineData("[fd00::5]:10251", "fd00::5", 10251)]
    [InlineData("fd00::5", "fd00::5", 10250)]
    public void Addresses_parse_with_10250_as_the_default_port(string text, string host, int port)
    {
        Assert.True(KubeletTarget.TryParseAddress(text, out var target, out var problem), problem);
        Assert.Equal((host, port), (target!.Host, target.Port));
        Assert.Null(target.NodeName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("node-a:")]
    [InlineData("node-a:0")]
    [InlineData("node-a:70000")]
    [InlineData("node-a:x")]
    [InlineData("[fd00::5")]
    [InlineData("[fd00::5]x")]
    [InlineData("[node-a]:10250")]
    [InlineData("fd00::5::zz")]
    [InlineData("bad host")]
    public void Bad_addresses_say_why(string text)
    {
        Assert.False(KubeletTarget.TryParseAddress(text, out var target, out var problem));
        Assert.Null(target);
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void The_ipv6_authority_is_bracketed() =>
        Assert.Equal("[fd00::5]:10250", new KubeletTarget("fd00::5", 10250).Authority);

    private static V1Node Node(int? port, params (string Type, string Address)[] addresses) => new()
    {
        Metadata = new V1ObjectMeta { Name = "node-a" },
        Status = new V1NodeStatus
        {
            Addresses = addresses.Select(a => new V1NodeAddress { Address = a.Address, Type = a.Type }).ToList(),
            DaemonEndpoints = port is null ? null : new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = port.Value } },
        },
    };

    [Fact]
    public void A_node_is_reached_at_its_internal_ip_first_and_on_its_published_port()
    {
        var node = Node(10251, ("ExternalIP", "203.0.113.5"), ("Hostname", "node-a"), ("InternalIP", "10.0.0.5"));

        var target = KubeletTarget.ForNode(node)!;

        Assert.Equal(("10.0.0.5", 10251, "node-a", NodeAddressType.InternalIP), (target.Host, target.Port, target.NodeName, target.AddressType));
    }

    [Fact]
    public void Hostname_then_external_ip_and_10250_when_no_port_is_published()
    {
        Assert.Equal("node-a", KubeletTarget.ForNode(Node(null, ("ExternalIP", "203.0.113.5"), ("Hostname", "node-a")))!.Host);
        var external = KubeletTarget.ForNode(Node(0, ("ExternalIP", "203.0.113.5")))!;
        Assert.Equal(("203.0.113.5", 10250), (external.Host, external.Port));
    }

    [Fact]
    public void An_explicit_preference_overrides_and_no_matching_address_is_null()
    {
        var node = Node(null, ("InternalIP", "10.0.0.5"), ("ExternalIP", "203.0.113.5"));

        Assert.Equal("203.0.113.5", KubeletTarget.ForNode(node, [NodeAddressType.ExternalIP])!.Host);
        Assert.Null(KubeletTarget.ForNode(node, [NodeAddressType.InternalDNS]));
        Assert.Null(KubeletTarget.ForNode(new V1Node { Metadata = new V1ObjectMeta { Name = "bare" } }));
    }

    [Theory]
    [InlineData("node-*", "node-12", true)]
    [InlineData("node-*", "worker-1", false)]
    [InlineData("node-?", "node-1", true)]
    [InlineData("node-?", "node-12", false)]
    [InlineData("node-[0-3]", "node-2", true)]
    [InlineData("node-[0-3]", "node-5", false)]
    [InlineData("NODE-*", "node-1", true)]
    [InlineData("a.b*", "axb", false)]
    [InlineData("node-`*", "node-*", true)]
    public void Wildcards_match_as_powershell_matches_them(string pattern, string name, bool matches) =>
        Assert.Equal(matches, NodeDirectory.WildcardRegex(pattern).IsMatch(name));
}
