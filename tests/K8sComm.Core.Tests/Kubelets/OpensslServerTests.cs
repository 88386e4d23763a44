using K8sComm.Core.Kubelets;
using K8sComm.Core.Tests.Tls;
using K8sComm.Core.Tls;
using System.Security.Cryptography;
using Xunit;
using Status = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm.Core.Tests.Kubelets;

/// <summary>
/// The check against TLS servers that are not ours (OpenSSL's s_server), as -Address would reach a
/// kubelet: a root CA in the bundle, an intermediate that the server sends or leaves out.
/// </summary>
public class OpensslServerTests
{
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Root = TestPki.CreateCa("openssl-root", keySlot: 0);
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Intermediate =
        TestPki.CreateCa("openssl-intermediate", issuer: Root, keySlot: 1);

    private static Task<KubeletCheckResult> CheckAsync(OpensslServer server) =>
        KubeletCertificateCheck.CheckAsync(new KubeletTarget("127.0.0.1", server.Port, "node-x"),
            new KubeletCheckOptions { Authority = Authorities.Of(TestPki.Pem(Root), "openssl root"), Timeout = TimeSpan.FromSeconds(20) },
            CancellationToken.None);

    [SkippableFact]
    public async Task A_good_chain_with_its_intermediate_is_trusted()
    {
        Skip.If(OpensslServer.Path is null, OpensslServer.MissingReason);
        using var leaf = TestPki.Issue(Intermediate, "system:node:node-x", ["node-x"], ["127.0.0.1"], keySlot: 2);
        using var server = new OpensslServer(leaf, Intermediate);

        var result = await CheckAsync(server);

        Assert.Equal(Status.Trusted, result.Status);
        Assert.Empty(result.Findings);
        Assert.Equal(2, result.PresentedChain.Count);
        Assert.True(result.NodeNameInCertificate);
    }

    [SkippableFact]
    public async Task A_wrong_san_is_a_name_mismatch()
    {
        Skip.If(OpensslServer.Path is null, OpensslServer.MissingReason);
        using var leaf = TestPki.Issue(Intermediate, "system:node:node-x", ["elsewhere.test"], ["10.9.9.9"], keySlot: 2);
        using var server = new OpensslServer(leaf, Intermediate);

        var result = await CheckAsync(server);

        Assert.Equal(Status.NameMismatch, result.Status);
        Assert.Equal(ChainProblem.None, result.ChainProblem);
        Assert.Contains(result.Findings, f => f.Id == K8sComm.Core.Discovery.FindingIds.KubeletCertificateNameMismatch);
        Assert.Contains(result.Findings, f => f.Id == K8sComm.Core.Discovery.FindingIds.KubeletCertificateNodeNameMissing);
    }

    [SkippableFact]
    public async Task An_intermediate_the_server_does_not_send_fails_as_go_would()
    {
        Skip.If(OpensslServer.Path is null, OpensslServer.MissingReason);
        using var leaf = TestPki.Issue(Intermediate, "system:node:node-x", ["node-x"], ["127.0.0.1"], keySlot: 2);
        using var server = new OpensslServer(leaf);

        var result = await CheckAsync(server);

        Assert.Equal(Status.Untrusted, result.Status);
        Assert.Single(result.PresentedChain);
        Assert.Equal(ChainProblem.UnknownAuthority, result.ChainProblem);
        Assert.Contains("CN=openssl-intermediate", result.ChainError);
        Assert.Contains("not sent by the server", result.ChainError);
    }

    // The handshake is BouncyCastle's own client: it must agree with a server that is not ours on either
    // protocol, and whatever key type the certificate has.
    [SkippableTheory]
    [InlineData("-tls1_3", false, "TLS 1.3")]
    [InlineData("-tls1_3", true, "TLS 1.3")]
    [InlineData("-tls1_2", false, "TLS 1.2")]
    [InlineData("-tls1_2", true, "TLS 1.2")]
    public async Task Either_protocol_and_key_type_give_the_same_verdict(string protocol, bool ecdsa, string expected)
    {
        Skip.If(OpensslServer.Path is null, OpensslServer.MissingReason);
        using var leaf = ecdsa
            ? TestPki.Issue(Intermediate, "system:node:node-x", ["node-x"], ["127.0.0.1"], ecdsa: true, curve: ECCurve.NamedCurves.nistP384)
            : TestPki.Issue(Intermediate, "system:node:node-x", ["node-x"], ["127.0.0.1"], keySlot: 2);
        using var server = new OpensslServer(leaf, [protocol], Intermediate);

        var result = await CheckAsync(server);

        Assert.Equal(Status.Trusted, result.Status);
        Assert.Equal(expected, result.TlsVersion);
        Assert.Equal(leaf.RawData, result.PresentedChainDer[0]);
    }
}
