using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>The managed certificate reader must report what .NET's own X509Certificate2 says.</summary>
public sealed class CertificateMaterialTests
{
    public static TheoryData<string> Kinds() => new() { "rsa-ca", "ec-server-with-sans", "rsa-3072-leaf" };

    private static X509Certificate2 Make(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        switch (kind)
        {
            case "rsa-ca":
                return TestPki.Ca;
            case "ec-server-with-sans":
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
                var request = new CertificateRequest("CN=kube-apiserver, O=Acme, C=KR", key, HashAlgorithmName.SHA384);
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName("kubernetes.default.svc");
                san.AddDnsName("localhost");
                san.AddIpAddress(IPAddress.Parse("10.96.0.1"));
                san.AddIpAddress(IPAddress.IPv6Loopback);
                request.CertificateExtensions.Add(san.Build());
                return request.CreateSelfSigned(now.AddDays(-2), now.AddDays(100));
            }
            default:
            {
                using var key = RSA.Create(3072);
                var request = new CertificateRequest("CN=leaf", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
                return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(10));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FactsMatchX509Certificate2(string kind)
    {
        var certificate = Make(kind);

        var facts = CertificateMaterial.ReadBundle(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()), "f");

        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
        Assert.Equal(certificate.Subject, facts.Subject);
        Assert.Equal(certificate.Issuer, facts.Issuer);
        Assert.Equal(certificate.NotBefore.ToUniversalTime(), facts.NotBefore.UtcDateTime);
        Assert.Equal(certificate.NotAfter.ToUniversalTime(), facts.NotAfter.UtcDateTime);
        Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), facts.Sha256Fingerprint);
        Assert.Equal(san?.EnumerateDnsNames() ?? [], facts.DnsNames);
        Assert.Equal(san?.EnumerateIPAddresses().Select(ip => ip.ToString()) ?? [], facts.IpAddresses);
        // One naming convention for every certificate the module reports (CertificateReader): SHA256withRSA style.
        var expectedSignature = certificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.113549.1.1.11" => "SHA256withRSA",
            "1.2.840.10045.4.3.3" => "SHA384withECDSA",
            "1.2.840.113549.1.1.10" => "RSASSA-PSS",
            var other => other,
        };
        Assert.Equal(expectedSignature, facts.SignatureAlgorithm);
        var expectedKey = certificate.GetRSAPublicKey() is { } rsa ? ("RSA", rsa.KeySize) : ("ECDSA", certificate.GetECDsaPublicKey()!.KeySize);
        Assert.Equal(expectedKey, (facts.PublicKeyAlgorithm, facts.PublicKeySize));
        Assert.Equal(certificate.Extensions.OfType<X509BasicConstraintsExtension>().SingleOrDefault()?.CertificateAuthority ?? false, facts.IsCertificateAuthority);
        Assert.True(facts.IsSelfSigned);
    }

    [Fact]
    public void LeafSignedByAnotherIsNotSelfSigned()
    {
        var (pem, _) = TestPki.CreateClient("grace", DateTimeOffset.UtcNow.AddDays(5));

        var facts = CertificateMaterial.ReadBundle(Encoding.ASCII.GetBytes(pem), "f");

        Assert.False(facts.IsSelfSigned);
        Assert.False(facts.IsCertificateAuthority);
        Assert.Equal("CN=test-ca", facts.Issuer);
    }

    [Fact]
    public void EveryCertificateOfABundleMustBeReadable()
    {
        var bundle = TestPki.CaPem + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

        var error = Assert.Throws<K8sComm.Core.K8sCommException>(() => CertificateMaterial.ReadBundle(Encoding.ASCII.GetBytes(bundle), "clusters[k].certificate-authority-data"));

        Assert.Equal("clusters[k].certificate-authority-data", error.Arguments[0]);
    }
}
