using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Tests;

/// <summary>A throwaway cluster CA for tests that don't need the whole sandbox cluster.</summary>
internal static class TestPki
{
    public static X509Certificate2 CreateCa(string name = "test-cluster-ca", bool rsa = false)
    {
        var subject = new X500DistinguishedName($"CN={name}");
        var request = rsa
            ? new CertificateRequest(subject, RSA.Create(2048), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, ECDsa.Create(ECCurve.NamedCurves.nistP256), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(5));
    }

    /// <summary>A client certificate (CN = user, O = group) signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string user, string group = "system:masters")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={user}, O={group}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        X509SignatureGenerator signer = ca.GetRSAPrivateKey() is { } rsa
            ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)
            : X509SignatureGenerator.CreateForECDsa(ca.GetECDsaPrivateKey()!);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var cert = request.Create(ca.SubjectName, signer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        return cert.CopyWithPrivateKey(key);
    }

    /// <summary>Subject alternative names as "DNS:x" / "IP:y" strings.</summary>
    public static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 cert)
    {
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
        if (san is null) return [];
        return [.. san.EnumerateDnsNames().Select(d => "DNS:" + d), .. san.EnumerateIPAddresses().Select(ip => "IP:" + ip)];
    }

    /// <summary>Does <paramref name="cert"/> chain to <paramref name="root"/> (ignoring time, which some tests break on purpose)?</summary>
    public static bool ChainsTo(X509Certificate2 cert, X509Certificate2 root, IEnumerable<X509Certificate2>? intermediates = null, bool ignoreTime = false)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(root.RawData));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (ignoreTime)
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        foreach (var extra in intermediates ?? []) chain.ChainPolicy.ExtraStore.Add(extra);
        return chain.Build(cert);
    }
}
