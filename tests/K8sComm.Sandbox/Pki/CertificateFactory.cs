using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Pki;

/// <summary>
/// Makes certificate authorities and the certificates they sign, with System.Security.Cryptography only.
/// Every certificate comes back with its private key attached.
/// </summary>
public static class CertificateFactory
{
    public static X509Certificate2 CreateAuthority(string commonName, KeyKind key = KeyKind.EcdsaP256, int validDays = 3650)
    {
        using var keyPair = KeyPair.Create(key);
        var request = keyPair.CreateRequest(new X500DistinguishedName($"CN={commonName}"), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(validDays)); // carries its own key
    }

    /// <summary>Issues a leaf certificate signed (SHA-256) by <paramref name="issuer"/>, which must hold its private key.
    /// Deliberately broken certificates (SHA-1 and the like) are the kubelet postures' business, not this factory's.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, CertificateSpec spec)
    {
        using var keyPair = KeyPair.Create(spec.Key);
        var request = BuildLeafRequest(keyPair, spec, HashAlgorithmName.SHA256);
        var issuerSki = issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
        if (issuerSki is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerSki));
        }

        // Never outlive the issuer: TLS stacks reject that.
        var notAfter = spec.NotAfter < issuer.NotAfter ? spec.NotAfter : new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        var generator = SignatureGenerator(issuer);
        using var signed = request.Create(issuer.SubjectName, generator, spec.NotBefore, notAfter, NewSerial());
        return keyPair.Attach(signed);
    }

    /// <summary>A certificate that signs itself, as a kubelet does when it has no CA-issued one.</summary>
    public static X509Certificate2 CreateSelfSigned(CertificateSpec spec)
    {
        using var keyPair = KeyPair.Create(spec.Key);
        var request = BuildLeafRequest(keyPair, spec, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(spec.NotBefore, spec.NotAfter); // carries its own key
    }

    private static CertificateRequest BuildLeafRequest(KeyPair keyPair, CertificateSpec spec, HashAlgorithmName hash)
    {
        var request = keyPair.CreateRequest(new X500DistinguishedName(spec.Subject), hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = X509KeyUsageFlags.DigitalSignature | (keyPair.IsRsa ? X509KeyUsageFlags.KeyEncipherment : 0);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));

        var purposes = new OidCollection();
        if (spec.ServerAuth) purposes.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (spec.ClientAuth) purposes.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        if (purposes.Count > 0) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(purposes, false));

        if (spec.DnsNames.Count + spec.IpAddresses.Count > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var dns in spec.DnsNames) names.AddDnsName(dns);
            foreach (var ip in spec.IpAddresses) names.AddIpAddress(ip);
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static X509SignatureGenerator SignatureGenerator(X509Certificate2 issuer)
    {
        if (issuer.GetECDsaPrivateKey() is { } ecdsa) return X509SignatureGenerator.CreateForECDsa(ecdsa);
        if (issuer.GetRSAPrivateKey() is { } rsa) return X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        throw new ArgumentException("The issuer certificate has no usable private key.", nameof(issuer));
    }

    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // keep it positive
        return serial;
    }

    /// <summary>One freshly generated key pair of either family.</summary>
    private sealed class KeyPair : IDisposable
    {
        private readonly ECDsa? _ecdsa;
        private readonly RSA? _rsa;

        private KeyPair(ECDsa? ecdsa, RSA? rsa) => (_ecdsa, _rsa) = (ecdsa, rsa);

        public bool IsRsa => _rsa is not null;

        public static KeyPair Create(KeyKind kind) => kind switch
        {
            KeyKind.EcdsaP256 => new KeyPair(ECDsa.Create(ECCurve.NamedCurves.nistP256), null),
            KeyKind.Rsa2048 => new KeyPair(null, RSA.Create(2048)),
            KeyKind.Rsa1024 => new KeyPair(null, RSA.Create(1024)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        public CertificateRequest CreateRequest(X500DistinguishedName subject, HashAlgorithmName hash) =>
            _ecdsa is not null
                ? new CertificateRequest(subject, _ecdsa, hash)
                : new CertificateRequest(subject, _rsa!, hash, RSASignaturePadding.Pkcs1);

        public X509Certificate2 Attach(X509Certificate2 certificate)
        {
            using (certificate)
            {
                return _ecdsa is not null ? certificate.CopyWithPrivateKey(_ecdsa) : certificate.CopyWithPrivateKey(_rsa!);
            }
        }

        public void Dispose()
        {
            _ecdsa?.Dispose();
            _rsa?.Dispose();
        }
    }
}
