using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using K8sComm.Core.Tls;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace K8sComm.Core.Discovery;

/// <summary>
/// Turns kubeconfig certificate fields into bytes and certificates. Failures name the field
/// (e.g. <c>users[dev].client-certificate-data</c>) and never the data.
/// </summary>
internal static class CertificateMaterial
{
    /// <summary>Decodes a <c>*-data</c> field (base64 of PEM or DER).</summary>
    public static byte[] DecodeData(string base64, string field)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw Invalid(field, "is not valid base64");
        }
    }

    /// <summary>Reads a file a kubeconfig field points at.</summary>
    public static byte[] ReadFile(string path, string field)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(field, $"cannot be read from '{path}'");
        }
    }

    /// <summary>Reads a CA bundle (one or more PEM certificates, or one DER certificate) and returns the facts
    /// of the first; every certificate in it must parse.</summary>
    public static CertificateFacts ReadBundle(byte[] bytes, string field)
    {
        var certificates = LooksLikePem(bytes) ? PemCertificates(bytes, field) : [bytes];
        if (certificates.Count == 0)
        {
            throw Invalid(field, "holds no certificate");
        }

        var first = Parse(certificates[0], field);
        foreach (var other in certificates.Skip(1)) Parse(other, field);
        return Facts(first, certificates[0]);
    }

    /// <summary>Reads a PEM client certificate: its subject and expiry.</summary>
    public static (string Subject, DateTimeOffset NotAfter) ReadClientCertificate(byte[] pem, string field)
    {
        var certificates = LooksLikePem(pem) ? PemCertificates(pem, field) : [];
        if (certificates.Count == 0)
        {
            throw Invalid(field, "does not hold a readable PEM certificate");
        }

        var certificate = Parse(certificates[0], field);
        return (Name(certificate.CertificateStructure.Subject), Utc(certificate.NotAfter));
    }

    private static readonly string[] PrivateKeyLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

    /// <summary>A cheap check that the key is a PEM private key; the costly import waits for <see cref="CombineWithKey"/>.</summary>
    public static void CheckPemPrivateKey(byte[] key, string field)
    {
        var text = Encoding.ASCII.GetString(key).AsSpan();
        while (PemEncoding.TryFind(text, out var fields))
        {
            if (PrivateKeyLabels.Contains(text[fields.Label].ToString()))
            {
                return;
            }

            text = text[fields.Location.End..];
        }

        throw Invalid(field, "does not hold a PEM private key");
    }

    /// <summary>Combines a PEM certificate with its PEM private key; a key that can't be used names its field.</summary>
    public static X509Certificate2 CombineWithKey(byte[] certificate, byte[] key, string keyField)
    {
        try
        {
            var combined = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(certificate), Encoding.ASCII.GetString(key));
            if (!OperatingSystem.IsWindows())
            {
                return combined;
            }

            // Windows' TLS stack (SChannel) can't use an ephemeral key; a PKCS#12 round trip gives it a usable one.
            using (combined)
            {
                return LoadPkcs12(combined.Export(X509ContentType.Pkcs12));
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Invalid(keyField, "does not hold a readable private key matching the certificate");
        }
    }

    public static K8sCommException Invalid(string field, string problem) =>
        new(FailureReason.CertificateDataInvalid, $"Certificate data in {field} {problem}.", field, [field, problem]);

    /// <summary>
    /// The facts a user needs about a certificate; no key material. Read with BouncyCastle's managed parser,
    /// several times cheaper than building an X509Certificate2, which matters for a 500-context kubeconfig;
    /// names and algorithm names are formatted the way .NET formats them.
    /// </summary>
    private static CertificateFacts Facts(BcCertificate certificate, byte[] der)
    {
        var structure = certificate.CertificateStructure;
        var san = certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName) is { } sanValue
            ? new X509SubjectAlternativeNameExtension(sanValue.GetOctets())
            : null;
        var (algorithm, size) = PublicKey(certificate.SubjectPublicKeyInfo);
        return new CertificateFacts(
            Name(structure.Subject),
            Name(structure.Issuer),
            Utc(certificate.NotBefore),
            Utc(certificate.NotAfter),
            Convert.ToHexString(SHA256.HashData(der)),
            san?.EnumerateDnsNames().ToArray() ?? [],
            san?.EnumerateIPAddresses().Select(ip => ip.ToString()).ToArray() ?? [],
            algorithm,
            size,
            new Oid(certificate.SigAlgOid).FriendlyName ?? certificate.SigAlgOid,
            certificate.GetBasicConstraints() >= 0,
            structure.Subject.Equivalent(structure.Issuer));
    }

    /// <summary>Reads the key's algorithm and size straight from its encoding: BouncyCastle's key objects
    /// validate an RSA modulus on construction, which costs milliseconds per certificate.</summary>
    private static (string Algorithm, int Size) PublicKey(SubjectPublicKeyInfo info)
    {
        var algorithm = info.Algorithm.Algorithm;
        if (algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
        {
            return ("RSA", RsaPublicKeyStructure.GetInstance(info.ParsePublicKey()).Modulus.BitLength);
        }

        if (algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey))
        {
            var curve = info.Algorithm.Parameters as DerObjectIdentifier;
            var size = curve?.Id switch
            {
                "1.2.840.10045.3.1.7" => 256,
                "1.3.132.0.34" => 384,
                "1.3.132.0.35" => 521,
                _ => curve is null ? 0 : ECNamedCurveTable.GetByOid(curve)?.Curve.FieldSize ?? 0,
            };
            return ("ECDSA", size);
        }

        if (algorithm.Equals(EdECObjectIdentifiers.id_Ed25519))
        {
            return ("Ed25519", 256);
        }

        return (new Oid(algorithm.Id).FriendlyName ?? algorithm.Id, 0);
    }

    private static BcCertificate Parse(byte[] der, string field)
    {
        try
        {
            return new X509CertificateParser().ReadCertificate(der) ?? throw Invalid(field, "holds no certificate");
        }
        catch (Exception e) when (e is not K8sCommException)
        {
            throw Invalid(field, "does not hold a readable certificate");
        }
    }

    private static List<byte[]> PemCertificates(byte[] bytes, string field)
    {
        var result = new List<byte[]>();
        var text = Encoding.ASCII.GetString(bytes).AsSpan();
        while (PemEncoding.TryFind(text, out var fields))
        {
            if (text[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out _))
                {
                    throw Invalid(field, "does not hold a readable certificate");
                }

                result.Add(der);
            }

            text = text[fields.Location.End..];
        }

        return result;
    }

    /// <summary>The same text X509Certificate2.Subject shows.</summary>
    private static string Name(X509Name name) => new X500DistinguishedName(name.GetEncoded()).Name;

    private static DateTimeOffset Utc(DateTime time) =>
        new(DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc), TimeSpan.Zero);

#pragma warning disable SYSLIB0057 // X509CertificateLoader is .NET 9+; the core targets net8.0.
    private static X509Certificate2 LoadPkcs12(byte[] pfx) => new(pfx);
#pragma warning restore SYSLIB0057

    private static bool LooksLikePem(byte[] bytes) =>
        bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0;
}
