using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using K8sComm.Core.IO;
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

    /// <summary>Reads a file a kubeconfig field points at: a regular file of certificate size.</summary>
    public static byte[] ReadFile(string path, string field)
    {
        try
        {
            return LocalFile.ReadAllBytes(path, LocalFileKind.Certificate);
        }
        catch (LocalFileException e)
        {
            throw Invalid(field, $"cannot be read: {e.Message}");
        }
    }

    /// <summary>Reads a CA bundle (one or more PEM certificates, or one DER certificate) and returns the facts
    /// of the first; every certificate in it must parse.</summary>
    public static CertificateFacts ReadBundle(byte[] bytes, string field) =>
        CertificateReader.Describe(CertificateReader.ReadBundle(bytes, field)[0]);

    /// <summary>Reads a PEM client certificate (kubectl takes nothing else there): its subject and expiry.</summary>
    public static (string Subject, DateTimeOffset NotAfter) ReadClientCertificate(byte[] pem, string field)
    {
        if (!LooksLikePem(pem))
        {
            throw Invalid(field, "does not hold a readable PEM certificate");
        }

        var facts = CertificateReader.Describe(CertificateReader.ReadBundle(pem, field)[0]);
        return (facts.Subject, facts.NotAfter);
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

#pragma warning disable SYSLIB0057 // X509CertificateLoader is .NET 9+; the core targets net8.0.
    private static X509Certificate2 LoadPkcs12(byte[] pfx) => new(pfx);
#pragma warning restore SYSLIB0057

    private static bool LooksLikePem(byte[] bytes) =>
        bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0;
}
