using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Tls;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace K8sComm.Core.Tests.Tls;

/// <summary>Certificates made on the spot with .NET's CertificateRequest, for the TLS unit tests.</summary>
internal static class TestPki
{
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    // RSA key generation costs up to a second on a busy machine, so keys come from a small pool.
    // Certificates that must not share a key (a look-alike CA) name distinct slots.
    private const int PoolSize = 4;
    private static readonly Lazy<RSA>[] Rsa2048 = Enumerable.Range(0, PoolSize).Select(_ => new Lazy<RSA>(() => RSA.Create(2048))).ToArray();
    private static readonly Lazy<RSA> Rsa1024 = new(() => RSA.Create(1024));
    private static int _nextSlot;

    private static RSA Key(int rsaBits, int? slot)
    {
        if (rsaBits == 1024)
            return Rsa1024.Value;
        if (rsaBits != 2048)
            throw new ArgumentOutOfRangeException(nameof(rsaBits));
        return Rsa2048[(slot ?? Interlocked.Increment(ref _nextSlot)) % PoolSize].Value;
    }

    public static X509Certificate2 CreateCa(string commonName = "test-ca", DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null, X509Certificate2? issuer = null, int rsaBits = 2048, int? keySlot = null)
    {
        var key = Key(rsaBits, keySlot);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var from = notBefore ?? Now.AddDays(-1);
        var to = notAfter ?? Now.AddYears(1);
        if (issuer is null)
            return request.CreateSelfSigned(from, to);
        using var signed = request.Create(issuer, from, to, Serial());
        return signed.CopyWithPrivateKey(key);
    }

    public static X509Certificate2 Issue(X509Certificate2? issuer, string commonName,
        IEnumerable<string>? dnsNames = null, IEnumerable<string>? ipAddresses = null,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, int rsaBits = 2048,
        HashAlgorithmName? hash = null, bool ecdsa = false, string? extendedKeyUsageOid = "1.3.6.1.5.5.7.3.1",
        int? keySlot = null, ECCurve? curve = null)
    {
        var hashAlgorithm = hash ?? HashAlgorithmName.SHA256;
        var rsa = ecdsa ? null : Key(rsaBits, keySlot);
        using var ec = ecdsa ? ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256) : null;
        var request = ec is not null
            ? new CertificateRequest($"CN={commonName}", ec, hashAlgorithm)
            : new CertificateRequest($"CN={commonName}", rsa!, hashAlgorithm, RSASignaturePadding.Pkcs1);
        var sans = new SubjectAlternativeNameBuilder();
        var anySan = false;
        foreach (var dns in dnsNames ?? []) { sans.AddDnsName(dns); anySan = true; }
        foreach (var ip in ipAddresses ?? []) { sans.AddIpAddress(IPAddress.Parse(ip)); anySan = true; }
        if (anySan)
            request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        if (extendedKeyUsageOid is not null)
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsageOid)], false));

        var from = notBefore ?? Now.AddDays(-1);
        var to = notAfter ?? Now.AddDays(90);
        if (issuer is null)
            return ec is not null ? request.CreateSelfSigned(from, to) : request.CreateSelfSigned(from, to);

        // The issuer signs with its own RSA key using the requested hash (SHA-1 for the weak case).
        var issuerKey = issuer.GetRSAPrivateKey()!;
        var generator = hashAlgorithm == HashAlgorithmName.SHA1
            ? new Sha1RsaSignatureGenerator(issuerKey)
            : X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1);
        using var cert = request.Create(issuer.SubjectName, generator, from, to, Serial());
        return ec is not null ? cert.CopyWithPrivateKey(ec) : cert.CopyWithPrivateKey(rsa!);
    }

    public static BcCertificate Bc(X509Certificate2 certificate) => CertificateReader.FromDotNet(certificate);

    public static string Pem(params X509Certificate2[] certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    public static byte[] PemBytes(params X509Certificate2[] certificates) =>
        System.Text.Encoding.ASCII.GetBytes(Pem(certificates));

    /// <summary>.NET refuses to sign certificates with SHA-1; old clusters still have them.</summary>
    private sealed class Sha1RsaSignatureGenerator(RSA key) : X509SignatureGenerator
    {
        // AlgorithmIdentifier { sha1WithRSAEncryption, NULL }
        private static readonly byte[] Sha1WithRsa = Convert.FromHexString("300D06092A864886F70D0101050500");

        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => Sha1WithRsa;

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
            key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);

        protected override PublicKey BuildPublicKey() =>
            X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1).PublicKey;
    }

    private static byte[] Serial() => RandomNumberGenerator.GetBytes(12);
}
