using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.X509;
using DotNetCertificate = System.Security.Cryptography.X509Certificates.X509Certificate;

namespace K8sComm.Core.Tls;

/// <summary>
/// Turns certificate bytes (a PEM bundle or one DER certificate) into BouncyCastle certificates,
/// and a certificate into the <see cref="CertificateFacts"/> a user reads.
/// </summary>
/// <remarks>
/// Conventions, shared with the kubeconfig side (Discovery) so one object never mixes styles: names
/// are written most specific first as .NET prints them (<c>CN=kube-apiserver, O=acme</c>); the
/// SHA-256 fingerprint is 64 uppercase hex digits without separators (what
/// <c>X509Certificate2.GetCertHashString(SHA256)</c> gives); signature algorithms use the
/// <c>SHA256withRSA</c> style.
/// </remarks>
public static partial class CertificateReader
{
    [GeneratedRegex(@"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----(?<body>[A-Za-z0-9+/=\s]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----")]
    private static partial Regex PemCertificateBlock();

    /// <summary>
    /// Reads every certificate of a PEM bundle (other PEM blocks and text between blocks are
    /// ignored), or the single certificate of DER bytes.
    /// </summary>
    /// <param name="source">Names the data in an error ("certificate-authority-data", a path); never the data itself.</param>
    /// <exception cref="K8sCommException">With <see cref="FailureReason.CertificateDataInvalid"/>.</exception>
    public static IReadOnlyList<X509Certificate> ReadBundle(ReadOnlySpan<byte> data, string source = "certificate data")
    {
        if (data.IsEmpty)
            throw Invalid(source, "it is empty");

        return LooksLikePem(data) ? ReadPem(Encoding.ASCII.GetString(data), source) : [ReadDer(data.ToArray(), source)];
    }

    /// <summary>The same certificate as a BouncyCastle object (for chain validation and facts).</summary>
    public static X509Certificate FromDotNet(DotNetCertificate certificate) => Parse(certificate.GetRawCertData());

    internal static X509Certificate Parse(byte[] der) => new X509CertificateParser().ReadCertificate(der);

    public static CertificateFacts Describe(DotNetCertificate certificate) => Describe(FromDotNet(certificate));

    public static CertificateFacts Describe(X509Certificate certificate)
    {
        var (dnsNames, ipAddresses) = SubjectAlternativeNames(certificate);
        var (keyAlgorithm, keySize) = PublicKey(certificate);
        return new CertificateFacts(
            Subject: FormatName(certificate.SubjectDN),
            Issuer: FormatName(certificate.IssuerDN),
            NotBefore: new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter: new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            Sha256Fingerprint: Fingerprint(certificate),
            DnsNames: dnsNames,
            IpAddresses: ipAddresses,
            PublicKeyAlgorithm: keyAlgorithm,
            PublicKeySize: keySize,
            SignatureAlgorithm: SignatureAlgorithm(certificate),
            IsCertificateAuthority: certificate.GetBasicConstraints() >= 0,
            SelfSigned: new Lazy<bool>(() => IsSelfSigned(certificate)));
    }

    /// <summary>SHA-256 of the DER encoding as 64 uppercase hex digits, computed by BouncyCastle: the
    /// platform's first hash in a process loads its crypto library, which describing a certificate need not.</summary>
    public static string Fingerprint(X509Certificate certificate)
    {
        var der = certificate.GetEncoded();
        var sha256 = new Sha256Digest();
        sha256.BlockUpdate(der, 0, der.Length);
        var hash = new byte[sha256.GetDigestSize()];
        sha256.DoFinal(hash, 0);
        return Convert.ToHexString(hash);
    }

    /// <summary>A distinguished name as .NET prints it: most specific first, joined by ", ".</summary>
    public static string FormatName(X509Name name) => DistinguishedName.Format(name.GetEncoded());

    /// <summary>Issued by itself: same subject and issuer, and its own key verifies its signature.</summary>
    public static bool IsSelfSigned(X509Certificate certificate) =>
        certificate.SubjectDN.Equivalent(certificate.IssuerDN) && IsSignedBy(certificate, certificate);

    /// <summary>Whether <paramref name="issuer"/>'s key verifies <paramref name="certificate"/>'s signature.</summary>
    public static bool IsSignedBy(X509Certificate certificate, X509Certificate issuer)
    {
        try
        {
            return VerifiedByPlatform(certificate, issuer) ?? certificate.IsSignatureValid(issuer.GetPublicKey());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An unsupported or broken key is simply "not signed by it".
            return false;
        }
    }

    /// <summary>
    /// RSA (PKCS#1 v1.5) and ECDSA signatures checked by the platform's crypto: BouncyCastle's RSA key
    /// object tests the modulus on construction, which costs milliseconds per key and dominated
    /// resolving a large kubeconfig. Null for any other algorithm, which BouncyCastle then checks.
    /// </summary>
    private static bool? VerifiedByPlatform(X509Certificate certificate, X509Certificate issuer)
    {
        if (!PlatformSignatures.TryGetValue(certificate.SigAlgOid, out var signature))
            return null;

        byte[] signed = certificate.GetTbsCertificate(), value = certificate.GetSignature();
        var keys = (signature.Ecdsa ? EcdsaIssuerKeys : RsaIssuerKeys).GetValue(issuer, _ => new());
        var key = keys.TryTake(out var kept) ? kept : ImportKey(issuer, signature.Ecdsa);
        try
        {
            return key is ECDsa ecdsa
                ? ecdsa.VerifyData(signed, value, signature.Hash, DSASignatureFormat.Rfc3279DerSequence)
                : ((RSA)key).VerifyData(signed, value, signature.Hash, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            keys.Add(key);
        }
    }

    // An issuer's key imported into the platform's crypto, kept while the issuer certificate lives: the import
    // costs about as much as the verification, and a fleet of kubelets shares one CA. Each verification takes
    // an instance for itself (they are not meant to be shared between threads), so a bag holds at most as
    // many as ran at once.
    private static readonly ConditionalWeakTable<X509Certificate, ConcurrentBag<AsymmetricAlgorithm>> EcdsaIssuerKeys = new();
    private static readonly ConditionalWeakTable<X509Certificate, ConcurrentBag<AsymmetricAlgorithm>> RsaIssuerKeys = new();

    private static AsymmetricAlgorithm ImportKey(X509Certificate issuer, bool ecdsa)
    {
        AsymmetricAlgorithm key = ecdsa ? ECDsa.Create() : RSA.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(issuer.SubjectPublicKeyInfo.GetEncoded(), out _);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static readonly Dictionary<string, (HashAlgorithmName Hash, bool Ecdsa)> PlatformSignatures = new()
    {
        [PkcsObjectIdentifiers.Sha1WithRsaEncryption.Id] = (HashAlgorithmName.SHA1, false),
        [PkcsObjectIdentifiers.Sha256WithRsaEncryption.Id] = (HashAlgorithmName.SHA256, false),
        [PkcsObjectIdentifiers.Sha384WithRsaEncryption.Id] = (HashAlgorithmName.SHA384, false),
        [PkcsObjectIdentifiers.Sha512WithRsaEncryption.Id] = (HashAlgorithmName.SHA512, false),
        [X9ObjectIdentifiers.ECDsaWithSha1.Id] = (HashAlgorithmName.SHA1, true),
        [X9ObjectIdentifiers.ECDsaWithSha256.Id] = (HashAlgorithmName.SHA256, true),
        [X9ObjectIdentifiers.ECDsaWithSha384.Id] = (HashAlgorithmName.SHA384, true),
        [X9ObjectIdentifiers.ECDsaWithSha512.Id] = (HashAlgorithmName.SHA512, true),
    };

    /// <summary>The signature algorithm, <c>SHA256withRSA</c> style; the OID when it is unusual.</summary>
    public static string SignatureAlgorithm(X509Certificate certificate)
    {
        var oid = certificate.CertificateStructure.SignatureAlgorithm.Algorithm;
        return SignatureNames.TryGetValue(oid.Id, out var name) ? name : certificate.SigAlgName ?? oid.Id;
    }

    private static readonly Dictionary<string, string> SignatureNames = new()
    {
        [PkcsObjectIdentifiers.MD5WithRsaEncryption.Id] = "MD5withRSA",
        [PkcsObjectIdentifiers.Sha1WithRsaEncryption.Id] = "SHA1withRSA",
        [PkcsObjectIdentifiers.Sha256WithRsaEncryption.Id] = "SHA256withRSA",
        [PkcsObjectIdentifiers.Sha384WithRsaEncryption.Id] = "SHA384withRSA",
        [PkcsObjectIdentifiers.Sha512WithRsaEncryption.Id] = "SHA512withRSA",
        [PkcsObjectIdentifiers.IdRsassaPss.Id] = "RSASSA-PSS",
        [X9ObjectIdentifiers.ECDsaWithSha1.Id] = "SHA1withECDSA",
        [X9ObjectIdentifiers.ECDsaWithSha256.Id] = "SHA256withECDSA",
        [X9ObjectIdentifiers.ECDsaWithSha384.Id] = "SHA384withECDSA",
        [X9ObjectIdentifiers.ECDsaWithSha512.Id] = "SHA512withECDSA",
        [EdECObjectIdentifiers.id_Ed25519.Id] = "Ed25519",
    };

    /// <summary>Reads the key's algorithm and size straight from its encoding: BouncyCastle's key objects
    /// validate an RSA modulus on construction, which costs milliseconds per certificate and adds up
    /// over a large kubeconfig.</summary>
    internal static (string Algorithm, int Size) PublicKey(X509Certificate certificate)
    {
        var info = certificate.SubjectPublicKeyInfo;
        var algorithm = info.Algorithm.Algorithm;
        try
        {
            if (algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
                return ("RSA", RsaPublicKeyStructure.GetInstance(info.ParsePublicKey()).Modulus.BitLength);
            if (algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey))
            {
                var curve = info.Algorithm.Parameters as DerObjectIdentifier;
                return ("ECDSA", curve?.Id switch
                {
                    "1.2.840.10045.3.1.7" => 256,
                    "1.3.132.0.34" => 384,
                    "1.3.132.0.35" => 521,
                    _ => curve is null ? 0 : ECNamedCurveTable.GetByOid(curve)?.Curve.FieldSize ?? 0,
                });
            }
            if (algorithm.Equals(EdECObjectIdentifiers.id_Ed25519))
                return ("Ed25519", 256);
            if (algorithm.Equals(X9ObjectIdentifiers.IdDsa))
                return ("DSA", DsaParameter.GetInstance(info.Algorithm.Parameters).P.BitLength);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A malformed key still leaves the rest of the facts worth reporting.
        }
        return (algorithm.Id, 0);
    }

    private static (IReadOnlyList<string> Dns, IReadOnlyList<string> Ip) SubjectAlternativeNames(X509Certificate certificate)
    {
        var extension = certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName);
        if (extension is null)
            return ([], []);

        var dns = new List<string>();
        var ip = new List<string>();
        foreach (var name in GeneralNames.GetInstance(Asn1Object.FromByteArray(extension.GetOctets())).GetNames())
        {
            switch (name.TagNo)
            {
                case GeneralName.DnsName:
                    dns.Add(DerIA5String.GetInstance(name.Name).GetString());
                    break;
                case GeneralName.IPAddress:
                    var octets = Asn1OctetString.GetInstance(name.Name).GetOctets();
                    // 4 or 16 octets is an address; 8 or 32 would be a name-constraint range, not a SAN.
                    if (octets.Length is 4 or 16)
                        ip.Add(new IPAddress(octets).ToString());
                    break;
            }
        }
        return (dns, ip);
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> data) =>
        data.IndexOf("-----BEGIN "u8) >= 0;

    private static IReadOnlyList<X509Certificate> ReadPem(string text, string source)
    {
        var certificates = new List<X509Certificate>();
        foreach (Match block in PemCertificateBlock().Matches(text))
        {
            byte[] der;
            try
            {
                der = Convert.FromBase64String(block.Groups["body"].Value);
            }
            catch (FormatException)
            {
                throw Invalid(source, $"certificate {certificates.Count + 1} is not valid base64");
            }
            certificates.Add(ReadDer(der, source, certificates.Count + 1));
        }
        if (certificates.Count == 0)
            throw Invalid(source, "it holds no PEM CERTIFICATE block");
        return certificates;
    }

    private static X509Certificate ReadDer(byte[] der, string source, int position = 1)
    {
        try
        {
            // The parser also accepts PKCS#7 and returns null on some junk; both count as invalid here.
            var certificate = new X509CertificateParser().ReadCertificate(der);
            if (certificate is not null)
                return certificate;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Invalid(source, $"certificate {position} is not a valid X.509 certificate", e);
        }
        throw Invalid(source, $"certificate {position} is not a valid X.509 certificate");
    }

    private static K8sCommException Invalid(string source, string why, Exception? inner = null) =>
        new(FailureReason.CertificateDataInvalid, $"The certificate data in {source} can't be read: {why}.",
            source, [source, why], inner);
}
