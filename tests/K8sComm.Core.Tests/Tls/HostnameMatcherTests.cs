using K8sComm.Core.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

public class HostnameMatcherTests
{
    private static CertificateFacts Facts(string[] dns, string[] ip, string subject = "CN=kube-apiserver") =>
        new(subject, "CN=ca", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, "", dns, ip, "RSA", 2048,
            "SHA256withRSA", false, new Lazy<bool>(false));

    [Theory]
    [InlineData("kubernetes.default.svc", "kubernetes.default.svc", true)]
    [InlineData("kubernetes.default.svc", "KUBERNETES.Default.SVC", true)]
    [InlineData("kubernetes.default.svc", "kubernetes.default.svc.", true)]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "API.EXAMPLE.COM", true)]
    [InlineData("*.example.com", "a.b.example.com", false)]   // one label only
    [InlineData("*.example.com", "example.com", false)]       // not the bare domain
    [InlineData("api.*.com", "api.example.com", false)]       // only the left-most label
    [InlineData("a*.example.com", "api.example.com", false)]  // no partial-label wildcards
    [InlineData("*", "localhost", false)]
    [InlineData("localhost", "localhost", true)]
    [InlineData("other.example.com", "api.example.com", false)]
    public void Dns_names_follow_go_rules(string san, string host, bool matches)
    {
        Assert.Equal(matches, HostnameMatcher.Check(Facts([san], []), host).Matches);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "[::1]", true)]
    [InlineData("2001:db8::1", "2001:0db8:0000::0001", true)]
    [InlineData("::1", "127.0.0.1", false)]
    public void Ip_addresses_must_equal_an_ip_san(string san, string host, bool matches)
    {
        Assert.Equal(matches, HostnameMatcher.Check(Facts([], [san]), host).Matches);
    }

    [Fact]
    public void An_ip_is_never_matched_against_dns_sans()
    {
        var verdict = HostnameMatcher.Check(Facts(["127.0.0.1"], []), "127.0.0.1");
        Assert.False(verdict.Matches);
        Assert.Contains("no IP SANs", verdict.Reason);
    }

    [Fact]
    public void The_common_name_is_never_used()
    {
        var verdict = HostnameMatcher.Check(Facts([], [], subject: "CN=api.example.com"), "api.example.com");
        Assert.False(verdict.Matches);
        Assert.Contains("no subject alternative names", verdict.Reason);
    }

    [Fact]
    public void A_mismatch_says_what_the_certificate_is_valid_for()
    {
        var verdict = HostnameMatcher.Check(Facts(["node-1", "node-1.local"], ["10.0.0.1"]), "node-0");
        Assert.False(verdict.Matches);
        Assert.Equal("the certificate is valid for node-1, node-1.local, not node-0", verdict.Reason);
    }

    [Fact]
    public void Works_on_facts_read_from_a_real_certificate()
    {
        using var ca = TestPki.CreateCa();
        using var server = TestPki.Issue(ca, "kube-apiserver", ["kubernetes.default.svc"], ["127.0.0.1"]);
        var facts = CertificateReader.Describe(server);

        Assert.True(HostnameMatcher.Check(facts, "127.0.0.1").Matches);
        Assert.True(HostnameMatcher.Check(facts, "kubernetes.default.svc").Matches);
        Assert.False(HostnameMatcher.Check(facts, "kube-apiserver").Matches);
    }
}
