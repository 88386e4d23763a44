using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Tls;
using Org.BouncyCastle.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

/// <summary>
/// The server's TLS 1.3 CertificateVerify, checked by the platform: the proof that a server holds the key
/// of the certificate it presents. A verifier that said yes to anything would pass every handshake.
/// </summary>
public class PlatformAssistedTlsCryptoTests
{
    private static readonly PlatformAssistedTlsCrypto Crypto = new();
    private static readonly byte[] Signed = "the content a server signs: padding, context string, transcript hash"u8.ToArray();

    private static bool Verify(X509Certificate2 certificate, int scheme, byte[] signature, byte[]? signed = null)
    {
        var verifier = Crypto.CreateCertificate(CertificateType.X509, certificate.RawData).CreateVerifier(scheme);
        using (var stream = verifier.Stream) // closed before the verdict, as BouncyCastle does
            stream.Write(signed ?? Signed);
        return verifier.VerifySignature(signature);
    }

    [Fact]
    public void An_ecdsa_signature_verifies_only_with_the_certificates_own_key_over_the_same_content()
    {
        using var server = TestPki.Issue(null, "server", ecdsa: true);
        using var other = TestPki.Issue(null, "other", ecdsa: true);
        var signature = server.GetECDsaPrivateKey()!.SignData(Signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(Verify(server, SignatureScheme.ecdsa_secp256r1_sha256, signature));
        Assert.False(Verify(other, SignatureScheme.ecdsa_secp256r1_sha256, signature));
        Assert.False(Verify(server, SignatureScheme.ecdsa_secp256r1_sha256, signature, [.. Signed, 0]));
        Assert.False(Verify(server, SignatureScheme.ecdsa_secp256r1_sha256, signature[..^1]));
    }

    [Fact]
    public void An_rsa_pss_signature_verifies_only_with_the_certificates_own_key()
    {
        using var server = TestPki.Issue(null, "server", keySlot: 0);
        using var other = TestPki.Issue(null, "other", keySlot: 1);
        var signature = server.GetRSAPrivateKey()!.SignData(Signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.True(Verify(server, SignatureScheme.rsa_pss_rsae_sha256, signature));
        Assert.False(Verify(other, SignatureScheme.rsa_pss_rsae_sha256, signature));
        // PKCS#1 v1.5 is not allowed in a TLS 1.3 CertificateVerify.
        var pkcs1 = server.GetRSAPrivateKey()!.SignData(Signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.False(Verify(server, SignatureScheme.rsa_pss_rsae_sha256, pkcs1));
    }

    [Fact]
    public void A_key_that_does_not_fit_the_scheme_fails()
    {
        using var p384 = TestPki.Issue(null, "p384", ecdsa: true, curve: ECCurve.NamedCurves.nistP384);
        using var rsa = TestPki.Issue(null, "rsa", keySlot: 0);
        var p384Signature = p384.GetECDsaPrivateKey()!.SignData(Signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.False(Verify(p384, SignatureScheme.ecdsa_secp256r1_sha256, p384Signature));
        Assert.False(Verify(rsa, SignatureScheme.ecdsa_secp256r1_sha256, p384Signature));
    }
}
