using System.Security.Cryptography;
using System.Text;
using K8sComm.Core.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

public class CertificateReaderTests
{
    [Fact]
    public void Reads_every_certificate_of_a_pem_bundle_in_order_and_ignores_other_blocks()
    {
        using var ca = TestPki.CreateCa("bundle-ca");
        using var server = TestPki.Issue(ca, "bundle-server", ["example.test"]);
        var text = "leading comment\n" + TestPki.Pem(ca) +
                   "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + TestPki.Pem(server);

        var certificates = CertificateReader.ReadBundle(Encoding.ASCII.GetBytes(text));

        Assert.Equal(["CN=bundle-ca", "CN=bundle-server"],
            certificates.Select(c => CertificateReader.FormatName(c.SubjectDN)));
    }

    [Fact]
    public void Reads_a_single_der_certificate()
    {
        using var ca = TestPki.CreateCa("der-ca");
        var certificate = Assert.Single(CertificateReader.ReadBundle(ca.RawData));
        Assert.Equal("CN=der-ca", CertificateReader.FormatName(certificate.SubjectDN));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a certificate at all")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public void Bad_data_fails_with_CertificateDataInvalid_naming_the_source(string text)
    {
        var error = Assert.Throws<K8sCommException>(() =>
            CertificateReader.ReadBundle(Encoding.ASCII.GetBytes(text), "certificate-authority-data"));
        Assert.Equal(FailureReason.CertificateDataInvalid, error.Reason);
        Assert.Contains("certificate-authority-data", error.Message);
        Assert.Equal("certificate-authority-data", error.Target);
    }

    [Fact]
    public void Describes_a_server_certificate()
    {
        using var ca = TestPki.CreateCa("facts-ca");
        using var server = TestPki.Issue(ca, "kube-apiserver", ["kubernetes", "kubernetes.default.svc"],
            ["127.0.0.1", "::1"]);

        var facts = CertificateReader.Describe(server);

        Assert.Equal("CN=kube-apiserver", facts.Subject);
        Assert.Equal("CN=facts-ca", facts.Issuer);
        Assert.Equal(["kubernetes", "kubernetes.default.svc"], facts.DnsNames);
        Assert.Equal(["127.0.0.1", "::1"], facts.IpAddresses);
        Assert.Equal("RSA", facts.PublicKeyAlgorithm);
        Assert.Equal(2048, facts.PublicKeySize);
        Assert.Equal("SHA256withRSA", facts.SignatureAlgorithm);
        Assert.False(facts.IsCertificateAuthority);
        Assert.False(facts.IsSelfSigned);
        Assert.Equal(server.NotAfter.ToUniversalTime(), facts.NotAfter.UtcDateTime);
        Assert.Equal(server.NotBefore.ToUniversalTime(), facts.NotBefore.UtcDateTime);
    }

    [Fact]
    public void Fingerprint_and_names_match_what_dotnet_prints_for_the_same_certificate()
    {
        // Discovery describes kubeconfig CAs with .NET; the two sides must print alike.
        using var ca = TestPki.CreateCa("fp-ca");
        using var server = TestPki.Issue(ca, "kube-apiserver", ["kubernetes"]);

        var facts = CertificateReader.Describe(server);

        Assert.Equal(Convert.ToHexString(SHA256.HashData(server.RawData)), facts.Sha256Fingerprint);
        Assert.Equal(server.GetCertHashString(HashAlgorithmName.SHA256), facts.Sha256Fingerprint);
        Assert.Equal(server.Subject, facts.Subject);
        Assert.Equal(server.Issuer, facts.Issuer);
    }

    [Fact]
    public void Multi_part_names_are_written_most_specific_first()
    {
        // Encoded as kubeadm does: O first, CN last (openssl's /O=system:masters/CN=kubernetes-admin).
        // The builder encodes the last name added first.
        var name = new System.Security.Cryptography.X509Certificates.X500DistinguishedNameBuilder();
        name.AddCommonName("kubernetes-admin");
        name.AddOrganizationName("system:masters");
        using var key = System.Security.Cryptography.RSA.Create(1024);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            name.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TestPki.Now.AddDays(-1), TestPki.Now.AddDays(1));

        Assert.Equal("CN=kubernetes-admin, O=system:masters", CertificateReader.Describe(certificate).Subject);
    }

    [Fact]
    public void Describes_a_ca_as_self_signed_authority()
    {
        using var ca = TestPki.CreateCa("root-ca");
        var facts = CertificateReader.Describe(ca);
        Assert.True(facts.IsCertificateAuthority);
        Assert.True(facts.IsSelfSigned);
    }

    [Fact]
    public void Reports_weak_keys_sha1_signatures_and_ecdsa()
    {
        using var ca = TestPki.CreateCa("weak-ca");
        using var weak = TestPki.Issue(ca, "weak", ["weak.test"], rsaBits: 1024, hash: HashAlgorithmName.SHA1);
        using var ec = TestPki.Issue(ca, "ec", ["ec.test"], ecdsa: true);

        var weakFacts = CertificateReader.Describe(weak);
        var ecFacts = CertificateReader.Describe(ec);

        Assert.Equal(1024, weakFacts.PublicKeySize);
        Assert.Equal("SHA1withRSA", weakFacts.SignatureAlgorithm);
        Assert.Equal("ECDSA", ecFacts.PublicKeyAlgorithm);
        Assert.Equal(256, ecFacts.PublicKeySize);
        Assert.Equal("SHA256withRSA", ecFacts.SignatureAlgorithm);
    }

    [Fact]
    public void A_certificate_that_only_claims_to_be_its_own_issuer_is_not_self_signed()
    {
        // Same subject and issuer name, but signed by a different key.
        using var ca = TestPki.CreateCa("twin", keySlot: 0);
        using var impostor = TestPki.Issue(ca, "twin", ["twin.test"], keySlot: 1);
        Assert.False(CertificateReader.Describe(impostor).IsSelfSigned);
    }
}
