using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Hosting;

/// <summary>What a leaf certificate should say; the issuer signs it as it is told, flaws included.</summary>
internal sealed record LeafRequest(
    string Subject,
    AsymmetricAlgorithm Key,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<IPAddress> IpAddresses,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    bool Sha1Signature = false,
    bool ServerAuth = true,
    bool ClientAuth = false);

/// <summary>
/// The sandbox's one certificate engine (the cluster PKI, kubelets, echo backends): any key, any validity
/// window, SHA-1 on request. <see cref="Pki.CertificateFactory"/> is its public face for tests.
/// </summary>
internal static class Certificates
{
    static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public static X509Certificate2 CreateSelfSignedCa(string commonName, AsymmetricAlgorithm key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var subject = new X500DistinguishedName($"CN={commonName}");
        var request = key switch
        {
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new NotSupportedException(key.GetType().Name),
        };
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>
    /// Issues a serving certificate signed by <paramref name="issuer"/>, with <paramref name="issuerKey"/>
    /// or else the issuer's own private key (pass the key when issuing many, to fetch it once).
    /// </summary>
    public static X509Certificate2 IssueLeaf(LeafRequest leaf, X509Certificate2 issuer, AsymmetricAlgorithm? issuerKey = null)
    {
        var request = LeafCertificateRequest(leaf);
        if (issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any())
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        // The generator overload skips CertificateRequest's own checks (issuer validity window,
        // hash policy), which is the point: some postures need a certificate no sane CA would issue.
        using var cert = request.Create(issuer.SubjectName, SignerFor(issuerKey ?? PrivateKeyOf(issuer), leaf.Sha1Signature),
            leaf.NotBefore, leaf.NotAfter, NewSerial());
        return WithKey(cert, leaf.Key);
    }

    /// <summary>A leaf certificate that is its own issuer, signed with its own key.</summary>
    public static X509Certificate2 SelfSignLeaf(LeafRequest leaf)
    {
        var request = LeafCertificateRequest(leaf);
        using var cert = request.Create(request.SubjectName, SignerFor(leaf.Key, leaf.Sha1Signature),
            leaf.NotBefore, leaf.NotAfter, NewSerial());
        return WithKey(cert, leaf.Key);
    }

    static CertificateRequest LeafCertificateRequest(LeafRequest leaf)
    {
        var request = new CertificateRequest(new X500DistinguishedName(leaf.Subject), new PublicKey(leaf.Key), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = X509KeyUsageFlags.DigitalSignature | (leaf.Key is RSA ? X509KeyUsageFlags.KeyEncipherment : 0);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        var purposes = new OidCollection();
        if (leaf.ServerAuth) purposes.Add(ServerAuth);
        if (leaf.ClientAuth) purposes.Add(ClientAuth);
        if (purposes.Count > 0) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(purposes, false));
        if (leaf.DnsNames.Count + leaf.IpAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in leaf.DnsNames) san.AddDnsName(dns);
            foreach (var ip in leaf.IpAddresses) san.AddIpAddress(ip);
            request.CertificateExtensions.Add(san.Build());
        }
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    static X509Certificate2 WithKey(X509Certificate2 cert, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => cert.CopyWithPrivateKey(ecdsa),
        RSA rsa => cert.CopyWithPrivateKey(rsa),
        _ => throw new NotSupportedException(key.GetType().Name),
    };

    /// <summary>The RSA or ECDSA private key of <paramref name="issuer"/> (a new handle on each call).</summary>
    public static AsymmetricAlgorithm PrivateKeyOf(X509Certificate2 issuer) =>
        (AsymmetricAlgorithm?)issuer.GetECDsaPrivateKey() ?? issuer.GetRSAPrivateKey()
        ?? throw new ArgumentException("The issuing certificate needs an RSA or ECDSA private key.", nameof(issuer));

    /// <summary>The certificate as PEM (no private key).</summary>
    public static string ToPem(X509Certificate2 cert) => cert.ExportCertificatePem();

    /// <summary>The same certificate without its private key.</summary>
    public static X509Certificate2 PublicOnly(X509Certificate2 cert) => X509CertificateLoader.LoadCertificate(cert.RawData);

    static X509SignatureGenerator SignerFor(AsymmetricAlgorithm key, bool sha1) => (key, sha1) switch
    {
        (_, true) => new Sha1SignatureGenerator(key),
        (ECDsa ecdsa, _) => X509SignatureGenerator.CreateForECDsa(ecdsa),
        (RSA rsa, _) => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException(key.GetType().Name),
    };

    static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x01; // no leading zero byte
        return serial;
    }
}

/// <summary>
/// Signs with SHA-1 (sha1WithRSAEncryption or ecdsa-with-SHA1), which .NET's built-in generators refuse;
/// the SHA-1 posture exists to show a client such a certificate.
/// </summary>
internal sealed class Sha1SignatureGenerator(AsymmetricAlgorithm key) : X509SignatureGenerator
{
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (key is RSA)
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.5"); // sha1WithRSAEncryption
                writer.WriteNull();
            }
            else
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.1"); // ecdsa-with-SHA1
            }
        }
        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key switch
    {
        RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => ecdsa.SignData(data, HashAlgorithmName.SHA1, DSASignatureFormat.Rfc3279DerSequence),
        _ => throw new NotSupportedException(key.GetType().Name),
    };

    protected override PublicKey BuildPublicKey() => new(key);
}
