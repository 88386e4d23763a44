using System.Text;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Kubelets;
using Xunit;

namespace K8sComm.Core.Tests.Tls;

/// <summary>
/// kubectl (Go's crypto/tls and crypto/x509) is the judge of our trust verdicts: for the same server,
/// CA and tls-server-name, kubectl refuses the TLS connection exactly when <see cref="ServerTrustPolicy"/>
/// says untrusted.
/// </summary>
public class KubectlTrustParityTests : IAsyncLifetime
{
    private static readonly KubeletCertificateKind[] Kinds = Enum.GetValues<KubeletCertificateKind>();
    private SandboxCluster _cluster = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            KubeletPostures = Kinds.Select(kind => new KubeletPosture(kind)).ToList(),
        });
        _directory = Directory.CreateTempSubdirectory("k8scomm-parity-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public static IEnumerable<object?[]> ApiServerCases() =>
    [
        ["cluster CA", false, null],
        ["another CA", true, null],
        ["cluster CA", false, "kubernetes.default.svc"],
        ["cluster CA", false, "api.elsewhere.example"],
    ];

    [SkippableTheory]
    [MemberData(nameof(ApiServerCases))]
    public async Task Api_server_verdicts_match_kubectl(string label, bool otherCa, string? tlsServerName)
    {
        Skip.If(KubectlMissing(), "kubectl is not on PATH");
        using var another = TestPki.CreateCa("another-ca");
        var ca = otherCa ? TestPki.Pem(another) : _cluster.CaCertificatePem;

        await AssertSameVerdictAsync(_cluster.ApiServerUri, ca, tlsServerName, "/version", label);
    }

    [SkippableTheory]
    [MemberData(nameof(KubeletKinds))]
    public async Task Kubelet_certificate_verdicts_match_kubectl(KubeletCertificateKind kind)
    {
        Skip.If(KubectlMissing(), "kubectl is not on PATH");
        var kubelet = _cluster.Kubelets[Array.IndexOf(Kinds, kind)];

        await AssertSameVerdictAsync(new Uri($"https://127.0.0.1:{kubelet.Port}"), _cluster.CaCertificatePem, null, "/healthz", kind.ToString());
    }

    public static IEnumerable<object[]> KubeletKinds() => Kinds.Select(kind => new object[] { kind });

    private async Task AssertSameVerdictAsync(Uri server, string caPem, string? tlsServerName, string path, string label)
    {
        var endpoint = new ResolvedEndpoint
        {
            Context = "parity", Cluster = "parity", User = "parity", Namespace = "default",
            Server = server, Source = EndpointSource.Kubeconfig, TlsServerName = tlsServerName,
            CertificateAuthority = new CertificateAuthorityInfo("parity", null),
            Credentials = new EndpointCredentials { CertificateAuthorityData = Encoding.ASCII.GetBytes(caPem) },
        };
        var handshake = await TlsHandshake.RunAsync(TlsHandshakeRequest.For(endpoint), TimeSpan.FromSeconds(5), CancellationToken.None);
        var ours = ServerTrustPolicy.For(endpoint).Evaluate(handshake.PresentedChain, DateTimeOffset.UtcNow);

        var (exit, stderr) = await KubectlGetRawAsync(server, caPem, tlsServerName, path);
        // kubectl may still fail after TLS (401 from a kubelet): only a TLS or x509 error counts as refusal.
        var kubectlRefusedTls = exit != 0 && (stderr.Contains("x509:") || stderr.Contains("tls:"));

        Assert.True(kubectlRefusedTls == !ours.Trusted,
            $"{label}: kubectl {(kubectlRefusedTls ? "refused" : "accepted")} the server ({stderr.Trim()}), we said {(ours.Trusted ? "trusted" : ours.Problem)}");
    }

    private async Task<(int Exit, string Stderr)> KubectlGetRawAsync(Uri server, string caPem, string? tlsServerName, string path)
    {
        var ca = Path.Combine(_directory, $"ca-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(ca, caPem);
        var kubeconfig = Path.Combine(_directory, "empty-kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, "apiVersion: v1\nkind: Config\n");
        var start = Kubectl.Start(_directory,
            "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(_directory, "cache"),
            "--server", server.ToString(), "--certificate-authority", ca, "--request-timeout", "10s",
            // Kubelets close the connection on callers without a certificate; the admin's is signed by the cluster CA.
            "--client-certificate", _cluster.Files.AdminCertificate, "--client-key", _cluster.Files.AdminKey);
        if (tlsServerName is not null)
        {
            start.ArgumentList.Add("--tls-server-name");
            start.ArgumentList.Add(tlsServerName);
        }
        foreach (var arg in new[] { "get", "--raw", path })
            start.ArgumentList.Add(arg);

        var result = await Kubectl.RunAsync(start);
        return (result.ExitCode, result.Error);
    }

    private static bool KubectlMissing() => Kubectl.IsMissing;
}
