using System.Security.Cryptography;
using K8sComm.Core.Discovery;
using K8sComm.Core.Kubelets;
using K8sComm.Core.Tests.Tls;
using K8sComm.Core.Tls;
using Xunit;
using Status = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm.Core.Tests.Kubelets;

/// <summary>The judgement alone, on certificates made here: the cases the sandbox's kubelets don't present.</summary>
public class KubeletCertificateJudgeTests
{
    private static readonly DateTimeOffset Now = TestPki.Now;
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Ca = TestPki.CreateCa("cluster-ca");
    private static readonly KubeletTarget Node = new("10.0.0.5", 10250, "node-a");

    private static KubeletCheckResult Judge(KubeletTarget target, int warningDays, params System.Security.Cryptography.X509Certificates.X509Certificate2[] presented) =>
        KubeletCertificateJudge.Judge(target, presented.Select(TestPki.Bc).ToList(),
            new KubeletAuthority(new ChainValidator([TestPki.Bc(Ca)]), "test"), Now, warningDays);

    private static KubeletCheckResult Judge(params System.Security.Cryptography.X509Certificates.X509Certificate2[] presented) =>
        Judge(Node, 30, presented);

    [Fact]
    public void A_good_certificate_is_trusted_without_findings()
    {
        using var leaf = TestPki.Issue(Ca, "system:node:node-a", ["node-a"], ["10.0.0.5"], ecdsa: true);

        var result = Judge(leaf);

        Assert.Equal(Status.Trusted, result.Status);
        Assert.Empty(result.Findings);
        Assert.True(result.NodeNameInCertificate);
    }

    [Fact]
    public void Expiry_within_the_warning_days_is_a_medium_finding_but_still_trusted()
    {
        using var leaf = TestPki.Issue(Ca, "node-a", ["node-a"], ["10.0.0.5"], notAfter: Now.AddDays(10.5));

        var warned = Judge(Node, 30, leaf);
        var quiet = Judge(Node, 7, leaf);

        Assert.Equal(Status.Trusted, warned.Status);
        Assert.Equal(10, warned.DaysRemaining);
        var finding = Assert.Single(warned.Findings);
        Assert.Equal((FindingIds.KubeletCertificateExpiring, FindingSeverity.Medium), (finding.Id, finding.Severity));
        Assert.Equal("10", finding.Arguments![1]);
        Assert.Empty(quiet.Findings);
    }

    [Fact]
    public void A_client_only_certificate_is_untrusted_for_serving()
    {
        using var leaf = TestPki.Issue(Ca, "node-a", ["node-a"], ["10.0.0.5"], extendedKeyUsageOid: "1.3.6.1.5.5.7.3.2");

        var result = Judge(leaf);

        Assert.Equal(Status.Untrusted, result.Status);
        Assert.Equal(FindingIds.KubeletCertificateNotForServerAuth, Assert.Single(result.Findings).Id);
    }

    [Fact]
    public void A_small_curve_is_a_weak_key()
    {
        using var leaf = TestPki.Issue(Ca, "node-a", ["node-a"], ["10.0.0.5"], ecdsa: true, curve: ECCurve.CreateFromFriendlyName("secp224r1"));

        var result = Judge(leaf);

        Assert.Equal(Status.WeakKey, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(["CN=node-a", "ECDSA 224"], finding.Arguments);
    }

    [Fact]
    public void A_self_signed_certificate_in_another_style_is_self_signed_not_the_kubelets_own()
    {
        using var leaf = TestPki.Issue(null, "my-server", ["node-a"], ["10.0.0.5"]);

        var result = Judge(leaf);

        Assert.Equal(Status.SelfSigned, result.Status);
        Assert.Equal(FindingIds.KubeletCertificateSelfSigned, Assert.Single(result.Findings).Id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_kubelets_own_certificate_is_named_with_the_remedy(bool sendsItsCa)
    {
        // Older kubelets sign the leaf with itself; newer ones make a "<host>-ca@<time>" CA first.
        using var ownCa = TestPki.CreateCa("node-a-ca@1700000000", keySlot: 3);
        using var leaf = TestPki.Issue(ownCa, "node-a@1700000000", ["node-a"], ["10.0.0.5"]);
        using var oldStyle = TestPki.Issue(null, "node-a@1700000000", ["node-a"], ["10.0.0.5"]);

        var result = sendsItsCa ? Judge(leaf, ownCa) : Judge(oldStyle);

        Assert.Equal(Status.SelfSigned, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingIds.KubeletCertificateNotBootstrapped, finding.Id);
        Assert.Contains("serverTLSBootstrap: true", finding.Message);
        Assert.Contains("rotateCertificates", finding.Message);
    }

    [Fact]
    public void The_most_severe_status_wins_and_every_problem_is_a_finding()
    {
        using var foreign = TestPki.CreateCa("foreign-ca", keySlot: 2);
        using var leaf = TestPki.Issue(foreign, "node-a", ["other"], ["10.9.9.9"], rsaBits: 1024,
            notBefore: Now.AddDays(-30), notAfter: Now.AddDays(-1));

        var result = Judge(leaf);

        Assert.Equal(Status.Untrusted, result.Status);
        Assert.Equal(
            [FindingIds.KubeletCertificateUntrusted, FindingIds.KubeletCertificateExpired, FindingIds.KubeletCertificateNameMismatch,
             FindingIds.KubeletCertificateWeakKey, FindingIds.KubeletCertificateNodeNameMissing],
            result.Findings.Select(f => f.Id));
    }

    [Fact]
    public void A_dns_name_is_matched_against_dns_sans()
    {
        using var leaf = TestPki.Issue(Ca, "node-a", ["node-a.internal"], ["10.0.0.5"]);

        Assert.Equal(Status.Trusted, Judge(new KubeletTarget("node-a.internal", 10250, "node-a.internal"), 30, leaf).Status);
        Assert.Equal(Status.NameMismatch, Judge(new KubeletTarget("node-b.internal", 10250), 30, leaf).Status);
    }

    [Theory]
    [InlineData(Status.Unreachable, Status.Untrusted)]
    [InlineData(Status.Untrusted, Status.SelfSigned)]
    [InlineData(Status.SelfSigned, Status.Expired)]
    [InlineData(Status.Expired, Status.NameMismatch)]
    [InlineData(Status.WeakSignature, Status.NameMismatch)]
    [InlineData(Status.NameMismatch, Status.WeakKey)]
    [InlineData(Status.WeakKey, Status.Trusted)]
    public void Severity_orders_the_statuses(Status worse, Status better)
    {
        Assert.True(KubeletStatuses.Severity(worse) > KubeletStatuses.Severity(better));
        Assert.Equal(worse, KubeletStatuses.Worst([better, worse]));
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("node-a", false)]
    public void Private_addresses_are_recognised(string host, bool isPrivate) =>
        Assert.Equal(isPrivate, NetworkAddresses.IsPrivate(host));

    [Fact]
    public void An_unreachable_private_address_says_where_to_run_from()
    {
        var authority = new KubeletAuthority(new ChainValidator([TestPki.Bc(Ca)]), "test");

        var result = KubeletCertificateJudge.Failed(new KubeletTarget("10.0.0.5", 10250), authority, Status.Unreachable, "timed out");

        Assert.Equal([FindingIds.KubeletUnreachable, FindingIds.KubeletPrivateAddress], result.Findings.Select(f => f.Id));
        Assert.Contains("-InCluster", result.Findings[1].Message);
    }
}
