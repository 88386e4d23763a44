using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Kubelets;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Kubelets;
using Xunit;
using Status = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm.Core.Tests.Kubelets;

/// <summary>
/// Every status from a real TLS endpoint: the sandbox's kubelets, one per certificate kind and anonymous
/// mode, judged with the cluster CA as --kubelet-certificate-authority would be.
/// </summary>
public class KubeletCertificateCheckTests : IAsyncLifetime
{
    private static readonly KubeletCertificateKind[] Kinds = Enum.GetValues<KubeletCertificateKind>();
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            KubeletPostures =
            [
                .. Kinds.Select(kind => new KubeletPosture(kind)),
                new KubeletPosture(Anonymous: AnonymousMode.DeniedByAuthorization),
                new KubeletPosture(Anonymous: AnonymousMode.Allowed, ReadOnlyPort: true),
            ],
        });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private KubeletCheckOptions Options(bool authentication = false, bool readOnly = false) => new()
    {
        Authority = Authorities.Of(_cluster.CaCertificatePem, "sandbox cluster CA"),
        CheckAuthentication = authentication,
        CheckReadOnlyPort = readOnly,
        Timeout = TimeSpan.FromSeconds(20),
    };

    private static KubeletTarget Target(SandboxKubelet kubelet) =>
        new("127.0.0.1", kubelet.Port, kubelet.NodeName) { ReadOnlyPort = kubelet.ReadOnlyPort ?? TcpTestServer.ClosedPort() };

    private Task<KubeletCheckResult> CheckAsync(SandboxKubelet kubelet, KubeletCheckOptions? options = null) =>
        KubeletCertificateCheck.CheckAsync(Target(kubelet), options ?? Options(), CancellationToken.None);

    [Theory]
    [InlineData(KubeletCertificateKind.CaSigned, Status.Trusted, null)]
    [InlineData(KubeletCertificateKind.SelfSigned, Status.SelfSigned, FindingIds.KubeletCertificateNotBootstrapped)]
    [InlineData(KubeletCertificateKind.Expired, Status.Expired, FindingIds.KubeletCertificateExpired)]
    [InlineData(KubeletCertificateKind.NotYetValid, Status.NotYetValid, FindingIds.KubeletCertificateNotYetValid)]
    [InlineData(KubeletCertificateKind.SanMismatch, Status.NameMismatch, FindingIds.KubeletCertificateNameMismatch)]
    [InlineData(KubeletCertificateKind.WeakKey, Status.WeakKey, FindingIds.KubeletCertificateWeakKey)]
    [InlineData(KubeletCertificateKind.Sha1Signature, Status.WeakSignature, FindingIds.KubeletCertificateWeakSignature)]
    [InlineData(KubeletCertificateKind.WrongCa, Status.Untrusted, FindingIds.KubeletCertificateUntrusted)]
    public async Task Each_certificate_kind_has_its_status_and_finding(KubeletCertificateKind kind, Status status, string? finding)
    {
        var kubelet = _cluster.Kubelets[Array.IndexOf(Kinds, kind)];

        var result = await CheckAsync(kubelet);

        Assert.Equal(status, result.Status);
        Assert.Equal("sandbox cluster CA", result.AuthoritySource);
        Assert.NotNull(result.Certificate);
        Assert.Equal(result.Certificate!.Sha256Fingerprint, CertificateReader.Fingerprint(result.PresentedChain[0]));
        Assert.Equal(kubelet.ServingCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
            result.Certificate.Sha256Fingerprint);
        Assert.NotNull(result.TlsVersion);
        if (finding is null)
            Assert.Empty(result.Findings);
        else
            Assert.Equal(finding, result.Findings[0].Id);
        Assert.Null(result.AnonymousAccess);
        Assert.Null(result.ReadOnlyPortOpen);
    }

    [Fact]
    public async Task A_trusted_kubelet_names_its_node_and_counts_its_days()
    {
        var result = await CheckAsync(_cluster.Kubelets[Array.IndexOf(Kinds, KubeletCertificateKind.CaSigned)]);

        Assert.True(result.NameMatches);
        Assert.True(result.NodeNameInCertificate);
        Assert.Equal(ChainProblem.None, result.ChainProblem);
        Assert.InRange(result.DaysRemaining!.Value, 363, 365);
        Assert.Contains(result.AuthoritySubjects, s => s.Contains("CN="));
    }

    [Fact]
    public async Task A_wrong_name_also_reports_the_node_name_missing()
    {
        var result = await CheckAsync(_cluster.Kubelets[Array.IndexOf(Kinds, KubeletCertificateKind.SanMismatch)]);

        Assert.False(result.NameMatches);
        Assert.False(result.NodeNameInCertificate);
        Assert.Contains(result.Findings, f => f.Id == FindingIds.KubeletCertificateNodeNameMissing && f.Severity == FindingSeverity.Low);
        var mismatch = Assert.Single(result.Findings, f => f.Id == FindingIds.KubeletCertificateNameMismatch);
        Assert.Equal(["127.0.0.1", "wrong-node.invalid, 10.255.255.1"], mismatch.Arguments);
    }

    [Theory]
    [InlineData(0, AnonymousAccess.Rejected, null, null)]
    [InlineData(8, AnonymousAccess.Denied, FindingIds.KubeletAnonymousAuthEnabled, FindingSeverity.Medium)]
    [InlineData(9, AnonymousAccess.Allowed, FindingIds.KubeletAnonymousAccessAllowed, FindingSeverity.Critical)]
    public async Task An_anonymous_get_pods_tells_how_the_kubelet_api_is_closed(int index, AnonymousAccess access, string? finding, FindingSeverity? severity)
    {
        var result = await CheckAsync(_cluster.Kubelets[index], Options(authentication: true));

        Assert.Equal(Status.Trusted, result.Status); // authentication does not change the certificate's verdict
        Assert.Equal(access, result.AnonymousAccess);
        if (finding is null)
        {
            Assert.Empty(result.Findings);
        }
        else
        {
            var found = Assert.Single(result.Findings);
            Assert.Equal((finding, severity!.Value), (found.Id, found.Severity));
        }
    }

    [Fact]
    public async Task An_open_read_only_port_is_a_high_finding_and_a_closed_one_is_none()
    {
        var open = await CheckAsync(_cluster.Kubelets[9], Options(readOnly: true));
        var closed = await CheckAsync(_cluster.Kubelets[0], Options(readOnly: true));

        Assert.True(open.ReadOnlyPortOpen);
        var finding = Assert.Single(open.Findings, f => f.Id == FindingIds.KubeletReadOnlyPortOpen);
        Assert.Equal(FindingSeverity.High, finding.Severity);
        Assert.False(closed.ReadOnlyPortOpen);
        Assert.Empty(closed.Findings);
    }

    [Fact]
    public async Task With_every_check_the_findings_are_worst_first()
    {
        var result = await CheckAsync(_cluster.Kubelets[9], Options(authentication: true, readOnly: true));

        Assert.Equal(FindingIds.KubeletAnonymousAccessAllowed, result.Findings[0].Id);
        Assert.Equal(result.Findings.OrderByDescending(f => f.Severity).Select(f => f.Id), result.Findings.Select(f => f.Id));
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_unreachable()
    {
        var result = await KubeletCertificateCheck.CheckAsync(new KubeletTarget("127.0.0.1", TcpTestServer.ClosedPort(), "gone"),
            Options(authentication: true, readOnly: true), CancellationToken.None);

        Assert.Equal(Status.Unreachable, result.Status);
        Assert.NotNull(result.Error);
        Assert.Empty(result.PresentedChain);
        Assert.Null(result.AnonymousAccess); // nothing more is tried
        var finding = Assert.Single(result.Findings); // loopback is not a private network address
        Assert.Equal(FindingIds.KubeletUnreachable, finding.Id);
    }

    [Fact]
    public async Task A_server_that_hangs_up_or_stays_silent_fails_the_handshake()
    {
        await using var hangsUp = new TcpTestServer(closeAtOnce: true);
        await using var silent = new TcpTestServer(closeAtOnce: false);
        var options = Options() with { Timeout = TimeSpan.FromMilliseconds(500) };

        var closed = await KubeletCertificateCheck.CheckAsync(hangsUp.Target(), options, CancellationToken.None);
        var stalled = await KubeletCertificateCheck.CheckAsync(silent.Target(), options, CancellationToken.None);

        Assert.Equal(Status.HandshakeFailed, closed.Status);
        Assert.Equal(Status.HandshakeFailed, stalled.Status);
        Assert.Contains("0.5 s", stalled.Error);
        Assert.Equal(FindingIds.KubeletHandshakeFailed, Assert.Single(stalled.Findings).Id);
    }
}
