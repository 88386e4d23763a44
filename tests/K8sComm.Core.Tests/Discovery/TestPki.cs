using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Core.Tests.Discovery;

/// <summary>Small certificates made in-process for kubeconfig test data.</summary>
internal static class TestPki
{
    private static readonly Lazy<(X509Certificate2 Certificate, RSA Key)> LazyCa = new(() => CreateCa("test-ca"));

    public static X509Certificate2 Ca => LazyCa.Value.Certificate;

    public static string CaPem => Ca.ExportCertificatePem();

    public static string CaBase64 => Base64(CaPem);

    public static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(text));

    public static (X509Certificate2 Certificate, RSA Key) CreateCa(string name)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        return (request.CreateSelfSigned(now.AddYears(-2), now.AddYears(5)), key);
    }

    /// <summary>A client certificate signed by the test CA, valid until <paramref name="notAfter"/>; returns PEM cert and PEM key.</summary>
    public static (string CertificatePem, string KeyPem) CreateClient(string commonName, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=system:masters", key, HashAlgorithmName.SHA256);
        var (ca, caKey) = LazyCa.Value;
        var serial = RandomNumberGenerator.GetBytes(8);
        var notBefore = notAfter < DateTimeOffset.UtcNow ? notAfter.AddDays(-10) : DateTimeOffset.UtcNow.AddDays(-1);
        using var certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), notBefore, notAfter, serial);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
