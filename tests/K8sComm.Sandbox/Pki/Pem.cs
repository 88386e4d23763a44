using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Pki;

/// <summary>PEM text for certificates and their private keys, as kubeconfigs and CA bundles carry them.</summary>
public static class Pem
{
    public static string Certificate(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    /// <summary>The private key in the form the Go TLS stack reads (PKCS#8 "PRIVATE KEY").</summary>
    public static string PrivateKey(X509Certificate2 certificate)
    {
        if (certificate.GetECDsaPrivateKey() is { } ecdsa) return ecdsa.ExportPkcs8PrivateKeyPem() + "\n";
        if (certificate.GetRSAPrivateKey() is { } rsa) return rsa.ExportPkcs8PrivateKeyPem() + "\n";
        throw new ArgumentException("The certificate has no private key.", nameof(certificate));
    }
}
