using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Hosting;

namespace K8sComm.Sandbox.Pki;

/// <summary>
/// Makes certificate authorities and the certificates they sign, each with a fresh key of the kind asked
/// for and that private key attached. A face over the sandbox's one certificate engine
/// (<see cref="Certificates"/>), which the kubelets use directly for their deliberately broken postures.
/// </summary>
public static class CertificateFactory
{
    public static X509Certificate2 CreateAuthority(string commonName, KeyKind key = KeyKind.EcdsaP256, int validDays = 3650)
    {
        using var keyPair = NewKey(key);
        var now = DateTimeOffset.UtcNow;
        return Certificates.CreateSelfSignedCa(commonName, keyPair, now.AddMinutes(-5), now.AddDays(validDays));
    }

    /// <summary>Issues a leaf certificate signed (SHA-256) by <paramref name="issuer"/>, which must hold its private key.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, CertificateSpec spec)
    {
        using var keyPair = NewKey(spec.Key);
        // Never outlive the issuer: TLS stacks reject that.
        var issuerNotAfter = new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        var request = Leaf(spec, keyPair) with { NotAfter = spec.NotAfter < issuerNotAfter ? spec.NotAfter : issuerNotAfter };
        return Certificates.IssueLeaf(request, issuer);
    }

    /// <summary>A certificate that signs itself, as a kubelet does when it has no CA-issued one.</summary>
    public static X509Certificate2 CreateSelfSigned(CertificateSpec spec)
    {
        using var keyPair = NewKey(spec.Key);
        return Certificates.SelfSignLeaf(Leaf(spec, keyPair));
    }

    private static LeafRequest Leaf(CertificateSpec spec, AsymmetricAlgorithm key) =>
        new(spec.Subject, key, spec.DnsNames, spec.IpAddresses, spec.NotBefore, spec.NotAfter,
            ServerAuth: spec.ServerAuth, ClientAuth: spec.ClientAuth);

    private static AsymmetricAlgorithm NewKey(KeyKind kind) => kind switch
    {
        KeyKind.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        KeyKind.Rsa2048 => RSA.Create(2048),
        KeyKind.Rsa1024 => RSA.Create(1024),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
