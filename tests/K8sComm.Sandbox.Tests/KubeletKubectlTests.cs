using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using K8sComm.Sandbox.Kubelets;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>
/// kubectl, a Go client with Go's strict certificate checks, judges the kubelets: the hardened one
/// works with verification on, and each flawed certificate fails it for the reason it was built for.
/// </summary>
public sealed class KubeletKubectlTests(KubeletFleetFixture fixture) : IClassFixture<KubeletFleetFixture>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("k8scomm-kubelet-kubectl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static bool KubectlMissing() => Kubectl.IsMissing;

    [SkippableFact]
    public async Task Kubectl_reads_pods_from_a_ca_signed_kubelet_with_verification_and_a_client_certificate()
    {
        Skip.If(KubectlMissing(), "kubectl is not on PATH");
        var kubelet = fixture.Kubelet(KubeletFleetFixture.CertNode(KubeletCertificateKind.CaSigned));

        var (exit, stdout, stderr) = await KubectlAsync(kubelet, "/pods", withClientCertificate: true);

        Assert.True(exit == 0, stderr);
        using var pods = JsonDocument.Parse(stdout);
        Assert.Equal("PodList", pods.RootElement.GetProperty("kind").GetString());
    }

    [SkippableFact]
    public async Task Kubectl_without_a_client_certificate_is_unauthorized_by_a_hardened_kubelet()
    {
        Skip.If(KubectlMissing(), "kubectl is not on PATH");
        var kubelet = fixture.Kubelet(KubeletFleetFixture.CertNode(KubeletCertificateKind.CaSigned));

        // A token stands in for "no certificate" (with no credentials at all kubectl prompts for a
        // user name); the sandbox kubelet can't verify tokens, as a real one can't verify a bogus one.
        var (exit, _, stderr) = await KubectlAsync(kubelet, "/pods", withClientCertificate: false, "--token", "not-a-real-token");

        Assert.NotEqual(0, exit);
        Assert.Contains("You must be logged in to the server", stderr); // kubectl's words for a 401
    }

    [SkippableTheory]
    [InlineData(KubeletCertificateKind.Expired, "expired")]
    [InlineData(KubeletCertificateKind.NotYetValid, "not yet valid")]
    [InlineData(KubeletCertificateKind.SanMismatch, "not 127.0.0.1")]
    [InlineData(KubeletCertificateKind.WrongCa, "unknown authority")]
    [InlineData(KubeletCertificateKind.SelfSigned, "unknown authority")]
    [InlineData(KubeletCertificateKind.Sha1Signature, "SHA1")]
    public async Task Kubectl_rejects_each_flawed_certificate_for_its_own_reason(KubeletCertificateKind kind, string reason)
    {
        Skip.If(KubectlMissing(), "kubectl is not on PATH");
        var kubelet = fixture.Kubelet(KubeletFleetFixture.CertNode(kind));

        var (exit, _, stderr) = await KubectlAsync(kubelet, "/healthz", withClientCertificate: true);

        Assert.NotEqual(0, exit);
        Assert.Contains("x509", stderr);
        Assert.Contains(reason, stderr);
    }

    [SkippableFact]
    public async Task Kubectl_accepts_a_weak_rsa_1024_key_which_is_why_the_module_must_flag_it()
    {
        Skip.If(KubectlMissing(), "kubectl is not on PATH");
        var kubelet = fixture.Kubelet(KubeletFleetFixture.CertNode(KubeletCertificateKind.WeakKey));

        var (exit, stdout, stderr) = await KubectlAsync(kubelet, "/healthz", withClientCertificate: true);

        Assert.True(exit == 0, stderr);
        Assert.Equal("ok", stdout.Trim());
    }

    async Task<(int Exit, string Stdout, string Stderr)> KubectlAsync(SandboxKubelet kubelet, string path, bool withClientCertificate, params string[] extra)
    {
        var ca = Path.Combine(_dir, "ca.crt");
        await File.WriteAllTextAsync(ca, fixture.ClusterCa.ExportCertificatePem());
        var empty = Path.Combine(_dir, "empty-kubeconfig");
        await File.WriteAllTextAsync(empty, "apiVersion: v1\nkind: Config\n");
        var start = Kubectl.Start(_dir, "--kubeconfig", empty, "--server", $"https://127.0.0.1:{kubelet.Port}", "--certificate-authority", ca, "--request-timeout", "10s");
        if (withClientCertificate)
        {
            using var client = TestPki.IssueClient(fixture.ClusterCa, "kube-apiserver-kubelet-client");
            var crt = Path.Combine(_dir, "client.crt");
            var key = Path.Combine(_dir, "client.key");
            await File.WriteAllTextAsync(crt, client.ExportCertificatePem());
            await File.WriteAllTextAsync(key, (client.GetECDsaPrivateKey()!).ExportPkcs8PrivateKeyPem());
            foreach (var arg in new[] { "--client-certificate", crt, "--client-key", key }) start.ArgumentList.Add(arg);
        }
        foreach (var arg in extra.Concat(["get", "--raw", path])) start.ArgumentList.Add(arg);

        var result = await Kubectl.RunAsync(start);
        return (result.ExitCode, result.Output, result.Error);
    }
}
