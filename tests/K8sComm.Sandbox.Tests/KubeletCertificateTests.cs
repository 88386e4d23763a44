using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Kubelets;

using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>Each posture's serving certificate is what it claims, as seen through a real TLS handshake.</summary>
public sealed class KubeletCertificateTests(KubeletFleetFixture fixture) : IClassFixture<KubeletFleetFixture>
{
    async Task<(SandboxKubelet Kubelet, Handshake Handshake)> HandshakeAsync(KubeletCertificateKind kind)
    {
        var kubelet = fixture.Kubelet(KubeletFleetFixture.CertNode(kind));
        return (kubelet, await TlsClient.HandshakeAsync(kubelet.Port, kubelet.NodeName));
    }

    [Fact]
    public async Task CaSigned_chains_to_the_cluster_ca_and_names_the_node_and_its_ip()
    {
        var (kubelet, hs) = await HandshakeAsync(KubeletCertificateKind.CaSigned);

        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
        Assert.Equal(["DNS:" + kubelet.NodeName, "IP:127.0.0.1"], TestPki.SubjectAlternativeNames(hs.Certificate));
        Assert.Equal($"CN=system:node:{kubelet.NodeName}, O=system:nodes", hs.Certificate.Subject);
        Assert.NotNull(hs.Certificate.GetECDsaPublicKey());
        Assert.InRange(DateTime.UtcNow, hs.Certificate.NotBefore.ToUniversalTime(), hs.Certificate.NotAfter.ToUniversalTime());
        Assert.Equal(kubelet.ServingCertificate.Thumbprint, hs.Certificate.Thumbprint);
        Assert.Contains(hs.Certificate.ExportCertificatePem(), kubelet.ServingCertificatePem);
    }

    [Fact]
    public async Task CaSigned_kubelets_share_one_key_but_not_one_certificate()
    {
        using var ca = TestPki.CreateCa();
        await using var fleet = await KubeletFleet.StartAsync(new KubeletFleetOptions
        {
            ClusterCa = ca,
            Specs = [new("node-a", KubeletPosture.Secure), new("node-b", KubeletPosture.Secure)],
        });
        var a = (await TlsClient.HandshakeAsync(fleet.Kubelets[0].Port, "node-a")).Certificate;
        var b = (await TlsClient.HandshakeAsync(fleet.Kubelets[1].Port, "node-b")).Certificate;

        Assert.NotEqual(a.Thumbprint, b.Thumbprint);
        Assert.Equal(a.PublicKey.EncodedKeyValue.RawData, b.PublicKey.EncodedKeyValue.RawData);
        Assert.Contains("DNS:node-b", TestPki.SubjectAlternativeNames(b));
    }

    [Fact]
    public async Task SelfSigned_looks_like_a_kubelet_generated_certificate()
    {
        var (kubelet, hs) = await HandshakeAsync(KubeletCertificateKind.SelfSigned);

        var cn = hs.Certificate.GetNameInfo(X509NameType.SimpleName, false);
        var issuerCn = hs.Certificate.GetNameInfo(X509NameType.SimpleName, true);
        Assert.Matches($"^{kubelet.NodeName}@[0-9]{{10}}$", cn);
        Assert.Equal(cn.Replace("@", "-ca@"), issuerCn);
        Assert.NotNull(hs.Certificate.GetRSAPublicKey());
        Assert.Equal(2048, hs.Certificate.GetRSAPublicKey()!.KeySize);
        Assert.False(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
        Assert.Contains("DNS:" + kubelet.NodeName, TestPki.SubjectAlternativeNames(hs.Certificate));
    }

    [Fact]
    public async Task Expired_is_past_its_not_after_but_otherwise_valid()
    {
        var (_, hs) = await HandshakeAsync(KubeletCertificateKind.Expired);

        Assert.True(hs.Certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow);
        Assert.False(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa, ignoreTime: true));
    }

    [Fact]
    public async Task NotYetValid_starts_in_the_future_but_is_otherwise_valid()
    {
        var (_, hs) = await HandshakeAsync(KubeletCertificateKind.NotYetValid);

        Assert.True(hs.Certificate.NotBefore.ToUniversalTime() > DateTime.UtcNow);
        Assert.False(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa, ignoreTime: true));
    }

    [Fact]
    public async Task SanMismatch_is_trusted_but_names_neither_the_node_nor_its_ip()
    {
        var (kubelet, hs) = await HandshakeAsync(KubeletCertificateKind.SanMismatch);

        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
        var names = TestPki.SubjectAlternativeNames(hs.Certificate);
        Assert.NotEmpty(names);
        Assert.DoesNotContain("DNS:" + kubelet.NodeName, names);
        Assert.DoesNotContain("IP:127.0.0.1", names);
        Assert.False(hs.Certificate.MatchesHostname(kubelet.NodeName));
        Assert.False(hs.Certificate.MatchesHostname("127.0.0.1"));
    }

    [Fact]
    public async Task WeakKey_is_an_rsa_1024_key()
    {
        var (_, hs) = await HandshakeAsync(KubeletCertificateKind.WeakKey);

        using var rsa = hs.Certificate.GetRSAPublicKey();
        Assert.NotNull(rsa);
        Assert.Equal(1024, rsa.KeySize);
        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
    }

    [Fact]
    public async Task Sha1Signature_from_an_rsa_ca_is_sha1WithRSAEncryption()
    {
        var (_, hs) = await HandshakeAsync(KubeletCertificateKind.Sha1Signature);

        Assert.Equal("1.2.840.113549.1.1.5", hs.Certificate.SignatureAlgorithm.Value);
        Assert.Equal(2048, hs.Certificate.GetRSAPublicKey()!.KeySize);
        // The signature is real: the CA's key verifies it.
        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
    }

    [Fact]
    public async Task Sha1Signature_from_an_ecdsa_ca_is_ecdsa_with_sha1()
    {
        using var ca = TestPki.CreateCa();
        await using var fleet = await KubeletFleet.StartAsync(new KubeletFleetOptions
        {
            ClusterCa = ca,
            Specs = [new("node-0", new KubeletPosture(KubeletCertificateKind.Sha1Signature))],
        });
        var hs = await TlsClient.HandshakeAsync(fleet.Kubelets[0].Port, "node-0");

        Assert.Equal("1.2.840.10045.4.1", hs.Certificate.SignatureAlgorithm.Value);
        Assert.True(TestPki.ChainsTo(hs.Certificate, ca));
    }

    [Fact]
    public async Task WrongCa_has_the_right_names_but_another_issuer()
    {
        var (kubelet, hs) = await HandshakeAsync(KubeletCertificateKind.WrongCa);

        Assert.False(TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa));
        Assert.True(TestPki.ChainsTo(hs.Certificate, fixture.Fleet.UntrustedCa));
        Assert.NotEqual(fixture.ClusterCa.Subject, hs.Certificate.Issuer);
        Assert.True(hs.Certificate.MatchesHostname(kubelet.NodeName));
        Assert.InRange(DateTime.UtcNow, hs.Certificate.NotBefore.ToUniversalTime(), hs.Certificate.NotAfter.ToUniversalTime());
    }

    [Fact]
    public async Task Only_the_ca_signed_kubelet_passes_full_verification_against_the_cluster_ca()
    {
        foreach (var kind in Enum.GetValues<KubeletCertificateKind>())
        {
            var (kubelet, hs) = await HandshakeAsync(kind);
            var trusted = TestPki.ChainsTo(hs.Certificate, fixture.ClusterCa) && hs.Certificate.MatchesHostname(kubelet.NodeName);
            var strong = hs.Certificate.SignatureAlgorithm.Value is not ("1.2.840.113549.1.1.5" or "1.2.840.10045.4.1")
                && (hs.Certificate.GetRSAPublicKey()?.KeySize ?? 2048) >= 2048;
            Assert.True((trusted && strong) == (kind == KubeletCertificateKind.CaSigned), $"{kind}: trusted={trusted} strong={strong}");
        }
    }
}
