using System.Text;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Kubelets;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

/// <summary>
/// The handshake capture and the chain validator against real TLS listeners presenting every kind of
/// kubelet serving certificate the sandbox can make, judged with the cluster CA as the API server's
/// --kubelet-certificate-authority would be.
/// </summary>
public class SandboxKubeletCertificateTests : IAsyncLifetime
{
    private static readonly KubeletCertificateKind[] Kinds = Enum.GetValues<KubeletCertificateKind>();
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            KubeletPostures = Kinds.Select(kind => new KubeletPosture(kind)).ToList(),
        });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(KubeletCertificateKind.CaSigned, true, ChainProblem.None, true)]
    [InlineData(KubeletCertificateKind.SelfSigned, false, ChainProblem.UnknownAuthority, true)]
    [InlineData(KubeletCertificateKind.Expired, false, ChainProblem.Expired, true)]
    [InlineData(KubeletCertificateKind.NotYetValid, false, ChainProblem.NotYetValid, true)]
    [InlineData(KubeletCertificateKind.SanMismatch, true, ChainProblem.None, false)]
    [InlineData(KubeletCertificateKind.WeakKey, true, ChainProblem.None, true)]
    [InlineData(KubeletCertificateKind.Sha1Signature, false, ChainProblem.InsecureSignature, true)]
    [InlineData(KubeletCertificateKind.WrongCa, false, ChainProblem.UnknownAuthority, true)]
    public async Task Each_kind_is_judged_as_a_go_client_would(KubeletCertificateKind kind, bool chainTrusted, ChainProblem problem, bool nameMatches)
    {
        var kubelet = _cluster.Kubelets[Array.IndexOf(Kinds, kind)];
        var validator = ChainValidator.FromBundle(Encoding.ASCII.GetBytes(_cluster.CaCertificatePem));

        var handshake = await TlsHandshake.RunAsync(new TlsHandshakeRequest("127.0.0.1", kubelet.Port), TimeSpan.FromSeconds(5), CancellationToken.None);
        var chain = validator.Validate(handshake.PresentedChain, DateTimeOffset.UtcNow);
        var name = HostnameMatcher.Check(handshake.ServerCertificate!, "127.0.0.1");

        Assert.Equal(chainTrusted, chain.Trusted);
        Assert.Equal(problem, chain.Problem);
        Assert.Equal(nameMatches, name.Matches);
        if (kind is KubeletCertificateKind.WeakKey)
            Assert.Contains(chain.Weaknesses, w => w.Contains("RSA 1024"));
        if (kind is KubeletCertificateKind.Sha1Signature)
            Assert.StartsWith("SHA1with", handshake.ServerCertificate!.SignatureAlgorithm); // the cluster CA signs with its own key type
        if (kind is KubeletCertificateKind.SelfSigned)
            Assert.Contains($"{kubelet.NodeName}@", handshake.ServerCertificate!.Subject);
    }
}
