using System.Text;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

public class ServerTrustPolicyTests
{
    private static ResolvedEndpoint Endpoint(string server, byte[]? ca, bool insecure = false, string? tlsServerName = null) => new()
    {
        Context = "c", Cluster = "c", User = "u", Namespace = "default",
        Server = new Uri(server),
        Source = EndpointSource.Kubeconfig,
        CertificateAuthority = new CertificateAuthorityInfo("clusters[c].certificate-authority-data", null),
        InsecureSkipTlsVerify = insecure,
        TlsServerName = tlsServerName,
        Credentials = new EndpointCredentials { CertificateAuthorityData = ca },
    };

    [Fact]
    public void Trusted_needs_both_the_chain_and_the_name()
    {
        using var ca = TestPki.CreateCa();
        using var server = TestPki.Issue(ca, "kube-apiserver", ["kubernetes.default.svc"], ["10.0.0.1"]);
        var presented = new[] { TestPki.Bc(server) };

        var byIp = ServerTrustPolicy.For(Endpoint("https://10.0.0.1:6443", TestPki.PemBytes(ca))).Evaluate(presented, TestPki.Now);
        var byOtherName = ServerTrustPolicy.For(Endpoint("https://api.example.com:6443", TestPki.PemBytes(ca))).Evaluate(presented, TestPki.Now);

        Assert.True(byIp.Trusted);
        Assert.Equal(TrustSource.EndpointCertificateAuthority, byIp.Source);
        Assert.True(byOtherName.ChainTrusted);
        Assert.False(byOtherName.NameMatches);
        Assert.False(byOtherName.Trusted);
        Assert.Contains("api.example.com", byOtherName.Problem);
    }

    [Fact]
    public void Tls_server_name_replaces_the_host_and_ipv6_hosts_lose_their_brackets()
    {
        using var ca = TestPki.CreateCa();
        using var server = TestPki.Issue(ca, "kube-apiserver", ["kubernetes.default.svc"], ["::1"]);
        var presented = new[] { TestPki.Bc(server) };

        var named = ServerTrustPolicy.For(Endpoint("https://10.9.9.9:6443", TestPki.PemBytes(ca), tlsServerName: "kubernetes.default.svc"));
        var ipv6 = ServerTrustPolicy.For(Endpoint("https://[::1]:6443", TestPki.PemBytes(ca)));

        Assert.Equal("kubernetes.default.svc", named.ServerName);
        Assert.True(named.Evaluate(presented, TestPki.Now).Trusted);
        Assert.Equal("::1", ipv6.ServerName);
        Assert.True(ipv6.Evaluate(presented, TestPki.Now).Trusted);
    }

    [Fact]
    public void Insecure_skip_tls_verify_trusts_but_still_reports_the_facts()
    {
        using var stranger = TestPki.Issue(null, "stranger", ["elsewhere.test"]);

        var verdict = ServerTrustPolicy.For(Endpoint("https://10.0.0.1:6443", null, insecure: true))
            .Evaluate([TestPki.Bc(stranger)], TestPki.Now);

        Assert.True(verdict.Trusted);
        Assert.Equal(TrustSource.NotVerified, verdict.Source);
        Assert.False(verdict.ChainTrusted);
        Assert.False(verdict.NameMatches);
    }

    [Fact]
    public void The_verdict_carries_codes_beside_its_sentences()
    {
        using var ca = TestPki.CreateCa();
        using var weak = TestPki.Issue(ca, "kube-apiserver", ["kubernetes.default.svc"], ["10.0.0.1"], rsaBits: 1024,
            notBefore: TestPki.Now.AddDays(-10), notAfter: TestPki.Now.AddDays(-1));

        var verdict = ServerTrustPolicy.For(Endpoint("https://10.0.0.1:6443", TestPki.PemBytes(ca))).Evaluate([TestPki.Bc(weak)], TestPki.Now);
        var trusted = ServerTrustPolicy.For(Endpoint("https://10.0.0.1:6443", TestPki.PemBytes(ca)))
            .Evaluate([TestPki.Bc(TestPki.Issue(ca, "ok", [], ["10.0.0.1"]))], TestPki.Now);

        Assert.Equal(ChainProblem.Expired, verdict.ChainProblem);
        Assert.Contains("expired", verdict.ChainError);
        Assert.Equal([WeaknessCode.WeakRsaKey], verdict.WeaknessDetails.Select(w => w.Code));
        Assert.Equal(verdict.Weaknesses, verdict.WeaknessDetails.Select(w => w.Message));
        Assert.Equal(ChainProblem.None, trusted.ChainProblem);
    }

    [Fact]
    public void Unreadable_ca_data_is_CertificateDataInvalid_naming_the_source()
    {
        var error = Assert.Throws<K8sCommException>(() =>
            ServerTrustPolicy.For(Endpoint("https://10.0.0.1:6443", Encoding.ASCII.GetBytes("garbage"))));

        Assert.Equal(FailureReason.CertificateDataInvalid, error.Reason);
        Assert.Contains("clusters[c].certificate-authority-data", error.Message);
    }

    [Fact]
    public void A_remembered_verdict_is_never_given_to_other_certificates()
    {
        using var ca = TestPki.CreateCa();
        using var good = TestPki.Issue(ca, "good", ["api.test"]);
        using var impostorCa = TestPki.CreateCa("impostor");
        using var impostor = TestPki.Issue(impostorCa, "good", ["api.test"]);
        var policy = ServerTrustPolicy.For(Endpoint("https://api.test", TestPki.PemBytes(ca)));

        Assert.True(policy.Evaluate([TestPki.Bc(good)], TestPki.Now).Trusted);
        Assert.False(policy.Evaluate([TestPki.Bc(impostor)], TestPki.Now).Trusted);
        Assert.True(policy.Evaluate([TestPki.Bc(good)], TestPki.Now).Trusted);
    }

    [Fact]
    public void A_remembered_verdict_does_not_outlive_the_certificate()
    {
        using var ca = TestPki.CreateCa();
        using var server = TestPki.Issue(ca, "server", ["api.test"], notAfter: TestPki.Now.AddDays(2));
        var policy = ServerTrustPolicy.For(Endpoint("https://api.test", TestPki.PemBytes(ca)));

        Assert.True(policy.Evaluate([TestPki.Bc(server)], TestPki.Now).Trusted);
        var later = policy.Evaluate([TestPki.Bc(server)], TestPki.Now.AddDays(3));

        Assert.False(later.Trusted);
        Assert.Contains("expired", later.ChainError);
    }

    [Fact]
    public void Servers_behind_one_address_with_different_certificates_are_each_remembered()
    {
        using var ca = TestPki.CreateCa();
        using var first = TestPki.Issue(ca, "apiserver-1", ["api.test"]);
        using var second = TestPki.Issue(ca, "apiserver-2", ["api.test"]);
        using var stranger = TestPki.Issue(null, "stranger", ["api.test"]);
        var policy = ServerTrustPolicy.For(Endpoint("https://api.test", TestPki.PemBytes(ca)));

        policy.Evaluate([TestPki.Bc(first)], TestPki.Now);
        policy.Evaluate([TestPki.Bc(second)], TestPki.Now);
        policy.Evaluate([TestPki.Bc(stranger)], TestPki.Now);

        Assert.True(policy.IsKnownTrusted(first, TestPki.Now));
        Assert.True(policy.IsKnownTrusted(second, TestPki.Now));
        Assert.False(policy.IsKnownTrusted(stranger, TestPki.Now));
        Assert.False(policy.IsKnownTrusted(first, TestPki.Now.AddYears(5)));
    }
}
