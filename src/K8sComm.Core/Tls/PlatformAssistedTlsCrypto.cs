using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace K8sComm.Core.Tls;

/// <summary>
/// BouncyCastle's TLS crypto with the costliest step of a client handshake, checking the server's TLS 1.3
/// CertificateVerify signature (ECDSA, RSA-PSS), handed to the platform's crypto (OpenSSL on Linux). In
/// managed code that check costs several times more, most of all in a fresh process, where hot code first
/// runs instrumented. Measured on a fleet, moving the key exchange too (ECDHE on P-256 instead of
/// BouncyCastle's X25519) cost more than it saved, on both sides. TLS 1.2 signatures and Ed25519 stay
/// with BouncyCastle.
/// </summary>
internal sealed class PlatformAssistedTlsCrypto() : BcTlsCrypto(new SecureRandom(new CryptoApiRandomGenerator()))
{
    public override TlsCertificate CreateCertificate(short type, byte[] encoding) =>
        type == CertificateType.X509 ? new PlatformVerifiedCertificate(this, encoding) : base.CreateCertificate(type, encoding);

    /// <summary>A server certificate whose TLS 1.3 handshake signature the platform checks.</summary>
    private sealed class PlatformVerifiedCertificate(BcTlsCrypto crypto, byte[] encoding) : BcTlsCertificate(crypto, encoding)
    {
        public override Tls13Verifier CreateVerifier(int signatureScheme) => signatureScheme switch
        {
            SignatureScheme.ecdsa_secp256r1_sha256 => new PlatformVerifier(this, HashAlgorithmName.SHA256, ecdsaBits: 256),
            SignatureScheme.ecdsa_secp384r1_sha384 => new PlatformVerifier(this, HashAlgorithmName.SHA384, ecdsaBits: 384),
            SignatureScheme.ecdsa_secp521r1_sha512 => new PlatformVerifier(this, HashAlgorithmName.SHA512, ecdsaBits: 521),
            SignatureScheme.rsa_pss_rsae_sha256 => new PlatformVerifier(this, HashAlgorithmName.SHA256),
            SignatureScheme.rsa_pss_rsae_sha384 => new PlatformVerifier(this, HashAlgorithmName.SHA384),
            SignatureScheme.rsa_pss_rsae_sha512 => new PlatformVerifier(this, HashAlgorithmName.SHA512),
            _ => base.CreateVerifier(signatureScheme),
        };

        public byte[] SubjectPublicKeyInfoDer => m_certificate.SubjectPublicKeyInfo.GetDerEncoded();
    }

    /// <summary>
    /// Collects what the server signed, then checks the signature with the certificate's key. A key of the
    /// wrong type or size for the scheme simply fails to verify, as the handshake then must.
    /// </summary>
    private sealed class PlatformVerifier(PlatformVerifiedCertificate certificate, HashAlgorithmName hash, int ecdsaBits = 0) : Tls13Verifier
    {
        private readonly SignedContent _signed = new();

        public Stream Stream => _signed;

        public bool VerifySignature(byte[] signature)
        {
            var signed = _signed.Content;
            try
            {
                if (ecdsaBits > 0)
                {
                    using var ecdsa = ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(certificate.SubjectPublicKeyInfoDer, out _);
                    return ecdsa.KeySize == ecdsaBits
                        && ecdsa.VerifyData(signed, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                }
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(certificate.SubjectPublicKeyInfoDer, out _);
                return rsa.VerifyData(signed, signature, hash, RSASignaturePadding.Pss);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }

    /// <summary>BouncyCastle closes the stream it wrote the signed content to before it asks for the verdict,
    /// so the content must outlive the stream.</summary>
    private sealed class SignedContent : Stream
    {
        private readonly ArrayBufferWriter<byte> _content = new(256);

        public ReadOnlySpan<byte> Content => _content.WrittenSpan;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => _content.Write(buffer);
        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() { }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _content.WrittenCount;
        public override long Position { get => Length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
