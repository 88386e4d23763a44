using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using K8sComm.Core.Tls;

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

    /// <summary>Parses a CA bundle: one or more PEM certificates, or a single DER certificate.</summary>
    public static X509Certificate2Collection ParseBundle(byte[] bytes, string field)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            if (LooksLikePem(bytes))
            {
                bundle.ImportFromPem(Encoding.ASCII.GetString(bytes));
            }
            else
            {
                bundle.Add(LoadDer(bytes));
            }
        }
        catch (CryptographicException)
        {
            throw Invalid(field, "does not hold a readable certificate");
        }

        return bundle.Count > 0 ? bundle : throw Invalid(field, "holds no certificate");
    }

    private static readonly string[] PrivateKeyLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

    /// <summary>Parses a PEM client certificate (public part only, for its facts).</summary>
    public static X509Certificate2 ParsePemCertificate(byte[] certificate, string field)
    {
        try
        {
            return X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(certificate));
        }
        catch (CryptographicException)
        {
            throw Invalid(field, "does not hold a readable PEM certificate");
        }
    }

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
            return X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(certificate), Encoding.ASCII.GetString(key));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Invalid(keyField, "does not hold a readable private key matching the certificate");
        }
    }

    public static K8sCommException Invalid(string field, string problem) =>
        new(FailureReason.CertificateDataInvalid, $"Certificate data in {field} {problem}.", field, [field, problem]);

    /// <summary>The facts a user needs about a certificate; no key material.</summary>
    public static CertificateFacts Facts(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        var (algorithm, size) = PublicKey(certificate);
        return new CertificateFacts(
            certificate.Subject,
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            certificate.GetCertHashString(HashAlgorithmName.SHA256),
            san?.EnumerateDnsNames().ToArray() ?? [],
            san?.EnumerateIPAddresses().Select(ip => ip.ToString()).ToArray() ?? [],
            algorithm,
            size,
            certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "",
            constraints?.CertificateAuthority ?? false,
            certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData));
    }

    private static (string Algorithm, int Size) PublicKey(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null) return ("RSA", rsa.KeySize);
        using var ecdsa = certificate.GetECDsaPublicKey();
        if (ecdsa is not null) return ("ECDSA", ecdsa.KeySize);
        return (certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "", 0);
    }

    private static bool LooksLikePem(byte[] bytes) =>
        bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0;

#pragma warning disable SYSLIB0057 // X509CertificateLoader is .NET 9+; the core targets net8.0.
    private static X509Certificate2 LoadDer(byte[] bytes) => new(bytes);
#pragma warning restore SYSLIB0057
}
