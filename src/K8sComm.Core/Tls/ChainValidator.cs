using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkix;
using Org.BouncyCastle.X509;

namespace K8sComm.Core.Tls;

/// <summary>Why a chain is not trusted.</summary>
public enum ChainProblem
{
    None,
    /// <summary>The server presented no certificate.</summary>
    NoCertificate,
    Expired,
    NotYetValid,
    /// <summary>No path leads from the certificate to a CA of the bundle. Also what an intermediate the
    /// server does not send looks like: without it, its issuer can't be told from a foreign CA (Go says
    /// "unknown authority" for both).</summary>
    UnknownAuthority,
    /// <summary>The server's own certificate is self-signed and not in the bundle.</summary>
    SelfSigned,
    /// <summary>A CA of the right name is there, but its key does not verify the signature.</summary>
    BadSignature,
    /// <summary>Signed with SHA-1 or MD5, which Go clients (kubectl, the API server) refuse.</summary>
    InsecureSignature,
    /// <summary>The certificate is not meant for TLS servers (extended key usage).</summary>
    NotForServerAuthentication,
    /// <summary>Any other PKIX rule (basic constraints, key usage, path length, name constraints).</summary>
    Invalid,
}

/// <summary>What is legal (or tolerated) in a certificate but weak.</summary>
public enum WeaknessCode
{
    /// <summary>An RSA key under 2048 bits.</summary>
    WeakRsaKey,
    /// <summary>An elliptic-curve key on a curve smaller than P-256.</summary>
    WeakEcKey,
    /// <summary>Signed with SHA-1.</summary>
    Sha1Signature,
    /// <summary>Signed with MD5.</summary>
    Md5Signature,
}

/// <summary>One weakness of one certificate: a code to reason with, the certificate's subject, what is weak
/// (<c>RSA 1024</c>, <c>SHA1withRSA</c>) and a sentence.</summary>
public sealed record CertificateWeakness(WeaknessCode Code, string Certificate, string Detail, string Message);

/// <summary>
/// The judgement on a presented chain: <see cref="Trusted"/>, and if not, a <see cref="Problem"/>
/// and a plain <see cref="Reason"/>. <see cref="WeaknessDetails"/> lists what is legal but weak (RSA
/// keys under 2048 bits, SHA-1 signatures) whether or not the chain is trusted.
/// </summary>
public sealed record ChainVerdict(bool Trusted, ChainProblem Problem, string? Reason, IReadOnlyList<CertificateWeakness> WeaknessDetails)
{
    /// <summary>The weaknesses as sentences.</summary>
    public IReadOnlyList<string> Weaknesses => WeaknessDetails.Select(w => w.Message).ToArray();

    internal static ChainVerdict Fail(ChainProblem problem, string reason, IReadOnlyList<CertificateWeakness> weaknesses) =>
        new(false, problem, reason, weaknesses);
}

/// <summary>
/// Verifies a presented chain (leaf first, then whatever intermediates the server sent, in any
/// order) against a CA bundle with BouncyCastle's PKIX path validation, revocation off, at a given
/// time. One instance per CA bundle; it is immutable and safe to share between threads.
/// </summary>
public sealed class ChainValidator
{
    private const int MinimumRsaBits = 2048;
    private const int MinimumEcBits = 256;
    private const int MaxPathLength = 10;

    private readonly IReadOnlyList<X509Certificate> _authorities;
    private readonly HashSet<TrustAnchor> _anchors;

    public ChainValidator(IEnumerable<X509Certificate> authorities)
    {
        _authorities = authorities.ToArray();
        if (_authorities.Count == 0)
            throw new ArgumentException("A CA bundle needs at least one certificate.", nameof(authorities));
        _anchors = _authorities.Select(ca => new TrustAnchor(ca, null)).ToHashSet();
    }

    /// <summary>Reads the bundle with <see cref="CertificateReader.ReadBundle"/>.</summary>
    public static ChainValidator FromBundle(ReadOnlySpan<byte> bundle, string source = "certificate-authority data") =>
        new(CertificateReader.ReadBundle(bundle, source));

    public IReadOnlyList<X509Certificate> Authorities => _authorities;

    /// <param name="presented">Leaf first; the rest in any order (servers do not always send them in order).</param>
    /// <param name="at">The moment the chain must be valid at.</param>
    /// <param name="requireServerAuthentication">Refuse a leaf whose extended key usage excludes TLS servers, as Go does.</param>
    public ChainVerdict Validate(IReadOnlyList<X509Certificate> presented, DateTimeOffset at, bool requireServerAuthentication = true)
    {
        if (presented.Count == 0)
            return ChainVerdict.Fail(ChainProblem.NoCertificate, "the server presented no certificate", []);

        var leaf = presented[0];
        var (path, anchor, issuerWithWrongKey) = BuildPath(leaf, presented.Skip(1).ToList());
        var weaknesses = Weaknesses(path);

        if (anchor is null)
        {
            var top = path[^1];
            if (issuerWithWrongKey is not null)
                return ChainVerdict.Fail(ChainProblem.BadSignature,
                    $"'{Name(top)}' names '{Name(issuerWithWrongKey)}' as its issuer, but that CA's key does not verify its signature", weaknesses);
            if (CertificateReader.IsSelfSigned(top))
                return ChainVerdict.Fail(path.Count == 1 ? ChainProblem.SelfSigned : ChainProblem.UnknownAuthority,
                    $"'{Name(top)}' is self-signed and not in the CA bundle", weaknesses);
            return ChainVerdict.Fail(ChainProblem.UnknownAuthority,
                $"'{Name(top)}' was issued by '{CertificateReader.FormatName(top.IssuerDN)}', which is not in the CA bundle" +
                (path.Count == 1 ? " and was not sent by the server" : ""), weaknesses);
        }

        foreach (var certificate in path.Append(anchor))
        {
            var when = at.UtcDateTime;
            if (when > certificate.NotAfter.ToUniversalTime())
                return ChainVerdict.Fail(ChainProblem.Expired,
                    $"'{Name(certificate)}' expired at {certificate.NotAfter.ToUniversalTime():u}", weaknesses);
            if (when < certificate.NotBefore.ToUniversalTime())
                return ChainVerdict.Fail(ChainProblem.NotYetValid,
                    $"'{Name(certificate)}' is not valid before {certificate.NotBefore.ToUniversalTime():u}", weaknesses);
        }

        // The leaf is itself a trusted certificate (a pinned self-signed server): Go accepts it as is.
        var toValidate = path.Where(c => !IsAuthority(c)).ToList();
        if (toValidate.Count > 0 && !(path.Count == 1 && LeavesPathValidationNothingToDo(leaf)))
        {
            try
            {
                var parameters = new PkixParameters(_anchors)
                {
                    IsRevocationEnabled = false,
                    Date = at.UtcDateTime,
                };
                new PkixCertPathValidator().Validate(new PkixCertPath(toValidate), parameters);
            }
            catch (PkixCertPathValidatorException e)
            {
                var problem = e.Message.Contains("signature", StringComparison.OrdinalIgnoreCase)
                    ? ChainProblem.BadSignature
                    : ChainProblem.Invalid;
                var subject = e.Index >= 0 && e.Index < toValidate.Count ? $"'{Name(toValidate[e.Index])}': " : "";
                return ChainVerdict.Fail(problem, subject + e.Message.TrimEnd('.'), weaknesses);
            }
        }

        var insecure = toValidate.FirstOrDefault(c => HasInsecureSignature(c));
        if (insecure is not null)
            return ChainVerdict.Fail(ChainProblem.InsecureSignature,
                $"'{Name(insecure)}' is signed with {CertificateReader.SignatureAlgorithm(insecure)}, which Go clients refuse", weaknesses);

        if (requireServerAuthentication && !AllowsServerAuthentication(leaf))
            return ChainVerdict.Fail(ChainProblem.NotForServerAuthentication,
                $"'{Name(leaf)}' has an extended key usage that does not include TLS server authentication", weaknesses);

        return new ChainVerdict(true, ChainProblem.None, null, weaknesses);
    }

    /// <summary>
    /// Walks from the leaf up through the presented certificates until a CA of the bundle signs one.
    /// Returns the path (leaf first, trust anchor excluded unless the server sent it), the anchor, and
    /// a CA that has the right name but the wrong key (to tell a bad signature from an unknown CA).
    /// </summary>
    private (List<X509Certificate> Path, X509Certificate? Anchor, X509Certificate? WrongKey) BuildPath(
        X509Certificate leaf, List<X509Certificate> pool)
    {
        var path = new List<X509Certificate> { leaf };
        X509Certificate? wrongKey = null;
        var current = leaf;
        while (path.Count <= MaxPathLength)
        {
            if (IsAuthority(current))
                return (path, current, null);

            foreach (var ca in _authorities.Where(ca => ca.SubjectDN.Equivalent(current.IssuerDN)))
            {
                if (CertificateReader.IsSignedBy(current, ca))
                    return (path, ca, null);
                wrongKey = ca;
            }

            var next = pool.FirstOrDefault(c => !path.Contains(c)
                && c.SubjectDN.Equivalent(current.IssuerDN) && CertificateReader.IsSignedBy(current, c));
            if (next is null)
                break;
            path.Add(next);
            current = next;
        }
        return (path, null, wrongKey);
    }

    private bool IsAuthority(X509Certificate certificate) => _authorities.Any(ca => ca.Equals(certificate));

    // What PKIX path validation handles in the last certificate of a path; any other critical extension
    // makes it refuse the certificate.
    private static readonly HashSet<string> HandledCriticalExtensions =
        [X509Extensions.BasicConstraints.Id, X509Extensions.KeyUsage.Id, X509Extensions.SubjectAlternativeName.Id];

    /// <summary>
    /// Whether PKIX validation of a leaf that a CA of the bundle signed directly could only repeat what is
    /// already known: the signature was verified while building the path, the dates and names were
    /// checked, and a lone end-entity certificate meets no path length, name constraint or CA rule. What is
    /// left is its extensions: no critical extension beyond those PKIX handles, and no policy extensions
    /// (a policy constraint in the leaf itself can fail the path). Anything else still goes through PKIX.
    /// The repeated check was most of judging a kubelet (a managed signature verification per node).
    /// </summary>
    private static bool LeavesPathValidationNothingToDo(X509Certificate leaf)
    {
        var critical = leaf.GetCriticalExtensionOids();
        return (critical is null || critical.All(HandledCriticalExtensions.Contains))
            && leaf.GetExtensionValue(X509Extensions.PolicyConstraints) is null
            && leaf.GetExtensionValue(X509Extensions.CertificatePolicies) is null
            && leaf.GetExtensionValue(X509Extensions.PolicyMappings) is null
            && leaf.GetExtensionValue(X509Extensions.InhibitAnyPolicy) is null
            && leaf.GetExtensionValue(X509Extensions.NameConstraints) is null;
    }

    /// <summary>Weak keys (RSA under 2048 bits, curves under 256 bits) and weak signatures (SHA-1, MD5)
    /// among the certificates.</summary>
    internal static List<CertificateWeakness> Weaknesses(IEnumerable<X509Certificate> path)
    {
        var weaknesses = new List<CertificateWeakness>();
        foreach (var certificate in path)
        {
            var (algorithm, bits) = CertificateReader.PublicKey(certificate);
            var weakRsa = algorithm == "RSA" && bits < MinimumRsaBits;
            var weakEc = algorithm == "ECDSA" && bits is > 0 and < MinimumEcBits;
            var insecure = HasInsecureSignature(certificate);
            if (!(weakRsa || weakEc || insecure))
                continue; // the usual case: no name to print (a fleet check judges thousands)

            var name = Name(certificate);
            if (weakRsa)
                weaknesses.Add(new(WeaknessCode.WeakRsaKey, name, $"RSA {bits}", $"'{name}' has a weak key: RSA {bits} bits (at least {MinimumRsaBits} expected)"));
            if (weakEc)
                weaknesses.Add(new(WeaknessCode.WeakEcKey, name, $"ECDSA {bits}", $"'{name}' has a weak key: a {bits}-bit curve (P-256 or larger expected)"));
            if (insecure)
            {
                var signature = CertificateReader.SignatureAlgorithm(certificate);
                weaknesses.Add(new(signature.StartsWith("MD5", StringComparison.Ordinal) ? WeaknessCode.Md5Signature : WeaknessCode.Sha1Signature,
                    name, signature, $"'{name}' is signed with {signature}"));
            }
        }
        return weaknesses;
    }

    private static bool HasInsecureSignature(X509Certificate certificate) =>
        CertificateReader.SignatureAlgorithm(certificate) is "SHA1withRSA" or "SHA1withECDSA" or "MD5withRSA";

    internal static bool AllowsServerAuthentication(X509Certificate leaf)
    {
        var usages = leaf.GetExtendedKeyUsage();
        return usages is null || usages.Count == 0
            || usages.Contains(KeyPurposeID.id_kp_serverAuth)
            || usages.Contains(KeyPurposeID.AnyExtendedKeyUsage);
    }

    private static string Name(X509Certificate certificate) => CertificateReader.FormatName(certificate.SubjectDN);
}
