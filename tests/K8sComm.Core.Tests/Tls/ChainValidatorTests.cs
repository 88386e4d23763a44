using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Tls;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

public class ChainValidatorTests
{
    private static readonly DateTimeOffset Now = TestPki.Now;

    private static ChainVerdict Validate(System.Security.Cryptography.X509Certificates.X509Certificate2 ca,
        params System.Security.Cryptography.X509Certificates.X509Certificate2[] presented) =>
        new ChainValidator([TestPki.Bc(ca)]).Validate(presented.Select(TestPki.Bc).ToList(), Now);

    [Fact]
    public void A_leaf_signed_by_the_ca_is_trusted()
    {
        using var ca = TestPki.CreateCa();
        using var leaf = TestPki.Issue(ca, "server", ["server.test"]);

        var verdict = Validate(ca, leaf);

        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Equal(ChainProblem.None, verdict.Problem);
        Assert.Null(verdict.Reason);
        Assert.Empty(verdict.Weaknesses);
    }

    [Fact]
    public void Intermediates_are_used_in_any_order_and_a_sent_root_is_tolerated()
    {
        using var root = TestPki.CreateCa("root");
        using var intermediate = TestPki.CreateCa("intermediate", issuer: root, notAfter: Now.AddMonths(6));
        using var leaf = TestPki.Issue(intermediate, "server", ["server.test"]);
        using var unrelated = TestPki.CreateCa("unrelated");

        Assert.True(Validate(root, leaf, intermediate).Trusted);
        Assert.True(Validate(root, leaf, unrelated, root, intermediate).Trusted);
    }

    [Fact]
    public void A_missing_intermediate_is_an_unknown_authority()
    {
        using var root = TestPki.CreateCa("root");
        using var intermediate = TestPki.CreateCa("intermediate", issuer: root, notAfter: Now.AddMonths(6));
        using var leaf = TestPki.Issue(intermediate, "server", ["server.test"]);

        var verdict = Validate(root, leaf);

        Assert.False(verdict.Trusted);
        Assert.Equal(ChainProblem.UnknownAuthority, verdict.Problem);
        Assert.Contains("CN=intermediate", verdict.Reason);
        Assert.Contains("not sent by the server", verdict.Reason);
    }

    [Fact]
    public void A_certificate_from_another_ca_is_an_unknown_authority()
    {
        using var ca = TestPki.CreateCa("cluster-ca");
        using var otherCa = TestPki.CreateCa("other-ca");
        using var leaf = TestPki.Issue(otherCa, "server", ["server.test"]);

        var verdict = Validate(ca, leaf);

        Assert.Equal(ChainProblem.UnknownAuthority, verdict.Problem);
        Assert.Contains("CN=other-ca", verdict.Reason);
    }

    [Fact]
    public void A_self_signed_server_is_untrusted_unless_it_is_in_the_bundle()
    {
        using var ca = TestPki.CreateCa("cluster-ca");
        using var selfSigned = TestPki.Issue(null, "node-0@1700000000", ["node-0"]);

        var verdict = Validate(ca, selfSigned);
        Assert.Equal(ChainProblem.SelfSigned, verdict.Problem);
        Assert.Contains("self-signed", verdict.Reason);

        // Pinned: the bundle holds the server's own certificate.
        Assert.True(Validate(selfSigned, selfSigned).Trusted);
    }

    [Fact]
    public void A_ca_with_the_right_name_but_another_key_is_a_bad_signature()
    {
        using var realCa = TestPki.CreateCa("kubernetes", keySlot: 0);
        using var lookalikeCa = TestPki.CreateCa("kubernetes", keySlot: 1);
        using var leaf = TestPki.Issue(realCa, "server", ["server.test"], keySlot: 2);

        var verdict = Validate(lookalikeCa, leaf);

        Assert.False(verdict.Trusted);
        Assert.Equal(ChainProblem.BadSignature, verdict.Problem);
    }

    [Fact]
    public void Expired_and_not_yet_valid_leaves_are_named()
    {
        using var ca = TestPki.CreateCa();
        using var expired = TestPki.Issue(ca, "old", ["old.test"], notBefore: Now.AddDays(-60), notAfter: Now.AddDays(-1));
        using var future = TestPki.Issue(ca, "new", ["new.test"], notBefore: Now.AddDays(1), notAfter: Now.AddDays(60));

        var expiredVerdict = Validate(ca, expired);
        var futureVerdict = Validate(ca, future);

        Assert.Equal(ChainProblem.Expired, expiredVerdict.Problem);
        Assert.Contains("CN=old", expiredVerdict.Reason);
        Assert.Equal(ChainProblem.NotYetValid, futureVerdict.Problem);
        Assert.Contains("CN=new", futureVerdict.Reason);
    }

    [Fact]
    public void Validity_is_judged_at_the_given_time()
    {
        using var ca = TestPki.CreateCa();
        using var leaf = TestPki.Issue(ca, "server", ["server.test"], notAfter: Now.AddDays(30));
        var validator = new ChainValidator([TestPki.Bc(ca)]);

        Assert.True(validator.Validate([TestPki.Bc(leaf)], Now).Trusted);
        Assert.Equal(ChainProblem.Expired, validator.Validate([TestPki.Bc(leaf)], Now.AddDays(31)).Problem);
    }

    [Fact]
    public void An_expired_ca_makes_the_chain_expired()
    {
        using var ca = TestPki.CreateCa("short-ca", notBefore: Now.AddDays(-30), notAfter: Now.AddDays(10));
        using var leaf = TestPki.Issue(ca, "server", ["server.test"], notAfter: Now.AddDays(60));
        var validator = new ChainValidator([TestPki.Bc(ca)]);

        var verdict = validator.Validate([TestPki.Bc(leaf)], Now.AddDays(20));

        Assert.Equal(ChainProblem.Expired, verdict.Problem);
        Assert.Contains("CN=short-ca", verdict.Reason);
    }

    [Fact]
    public void A_sha1_signature_is_untrusted_and_a_weakness()
    {
        using var ca = TestPki.CreateCa();
        using var leaf = TestPki.Issue(ca, "sha1", ["sha1.test"], hash: HashAlgorithmName.SHA1);

        var verdict = Validate(ca, leaf);

        Assert.False(verdict.Trusted);
        Assert.Equal(ChainProblem.InsecureSignature, verdict.Problem);
        Assert.Contains(verdict.Weaknesses, w => w.Contains("SHA1withRSA"));
        Assert.Equal([WeaknessCode.Sha1Signature], verdict.WeaknessDetails.Select(w => w.Code));
    }

    [Fact]
    public void A_1024_bit_rsa_key_is_trusted_but_flagged_as_weak()
    {
        using var ca = TestPki.CreateCa();
        using var leaf = TestPki.Issue(ca, "weak", ["weak.test"], rsaBits: 1024);

        var verdict = Validate(ca, leaf);

        Assert.True(verdict.Trusted, verdict.Reason);
        Assert.Contains(verdict.Weaknesses, w => w.Contains("RSA 1024"));
        var weakness = Assert.Single(verdict.WeaknessDetails);
        Assert.Equal((WeaknessCode.WeakRsaKey, "CN=weak"), (weakness.Code, weakness.Certificate));
    }

    [Fact]
    public void A_curve_under_p256_is_flagged_as_weak_and_p256_is_not()
    {
        using var ca = TestPki.CreateCa();
        using var weak = TestPki.Issue(ca, "p224", ["p224.test"], ecdsa: true, curve: ECCurve.CreateFromFriendlyName("secp224r1"));
        using var good = TestPki.Issue(ca, "p256", ["p256.test"], ecdsa: true);

        Assert.Equal([WeaknessCode.WeakEcKey], Validate(ca, weak).WeaknessDetails.Select(w => w.Code));
        Assert.Empty(Validate(ca, good).WeaknessDetails);
    }

    [Fact]
    public void A_chain_that_ends_in_a_foreign_root_is_an_unknown_authority_not_a_self_signed_server()
    {
        using var ca = TestPki.CreateCa("cluster-ca");
        using var foreign = TestPki.CreateCa("foreign-root", keySlot: 3);
        using var leaf = TestPki.Issue(foreign, "server", ["server.test"]);

        var verdict = Validate(ca, leaf, foreign);

        Assert.Equal(ChainProblem.UnknownAuthority, verdict.Problem);
        Assert.Contains("CN=foreign-root", verdict.Reason);
    }

    [Fact]
    public void A_client_only_certificate_is_not_accepted_as_a_server()
    {
        using var ca = TestPki.CreateCa();
        using var client = TestPki.Issue(ca, "admin", ["admin.test"], extendedKeyUsageOid: "1.3.6.1.5.5.7.3.2");
        var validator = new ChainValidator([TestPki.Bc(ca)]);

        Assert.Equal(ChainProblem.NotForServerAuthentication, validator.Validate([TestPki.Bc(client)], Now).Problem);
        Assert.True(validator.Validate([TestPki.Bc(client)], Now, requireServerAuthentication: false).Trusted);
    }

    [Fact]
    public void A_leaf_cannot_act_as_a_ca()
    {
        using var ca = TestPki.CreateCa();
        using var notACa = TestPki.Issue(ca, "not-a-ca", ["not-a-ca.test"]);
        using var leaf = TestPki.Issue(notACa, "server", ["server.test"]);

        var verdict = Validate(ca, leaf, notACa);

        Assert.False(verdict.Trusted);
        Assert.Equal(ChainProblem.Invalid, verdict.Problem);
    }

    // A leaf the CA signed directly is judged without repeating PKIX validation, unless it carries
    // something PKIX must weigh: an extension it does not know, marked critical, still fails it (as Go's
    // verifier fails it), and so does a policy constraint the leaf cannot meet.
    [Theory]
    [InlineData("1.3.6.1.4.1.99999.1", null)]
    [InlineData("2.5.29.36", new byte[] { 0x30, 0x03, 0x80, 0x01, 0x00 })] // policyConstraints: requireExplicitPolicy 0
    public void A_leaf_with_a_critical_extension_path_validation_refuses_is_invalid(string oid, byte[]? value)
    {
        using var ca = TestPki.CreateCa();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256); // quick to make; the CA signs with its RSA key
        var request = new CertificateRequest("CN=server", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(oid, value ?? [0x05, 0x00], critical: true));
        using var leaf = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(ca.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1),
            Now.AddDays(-1), Now.AddDays(30), [1, 2, 3, 4]);
        using var plain = TestPki.Issue(ca, "server", ["server.test"]);

        var verdict = Validate(ca, leaf);

        Assert.False(verdict.Trusted);
        Assert.Equal(ChainProblem.Invalid, verdict.Problem);
        Assert.True(Validate(ca, plain).Trusted);
    }

    [Fact]
    public void Nothing_presented_is_its_own_problem()
    {
        using var ca = TestPki.CreateCa();
        Assert.Equal(ChainProblem.NoCertificate, new ChainValidator([TestPki.Bc(ca)]).Validate([], Now).Problem);
    }

    [Fact]
    public void A_bundle_of_several_cas_trusts_each_of_them()
    {
        using var first = TestPki.CreateCa("first");
        using var second = TestPki.CreateCa("second");
        using var leaf = TestPki.Issue(second, "server", ["server.test"]);

        var validator = ChainValidator.FromBundle(TestPki.PemBytes(first, second));

        Assert.Equal(2, validator.Authorities.Count);
        Assert.True(validator.Validate([TestPki.Bc(leaf)], Now).Trusted);
    }
}
