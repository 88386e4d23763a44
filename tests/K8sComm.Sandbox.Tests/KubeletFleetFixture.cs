using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Kubelets;

using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>One small fleet shared by the kubelet tests: a kubelet per certificate kind and per anonymous mode.</summary>
public sealed class KubeletFleetFixture : IAsyncLifetime
{
    public X509Certificate2 ClusterCa { get; } = TestPki.CreateCa(rsa: true);
    public KubeletFleet Fleet { get; private set; } = null!;

    public SandboxKubelet Kubelet(string node) => Fleet.Find(node) ?? throw new KeyNotFoundException(node);

    public static string CertNode(KubeletCertificateKind kind) => "cert-" + kind.ToString().ToLowerInvariant();
    public static string AnonNode(AnonymousMode mode) => "anon-" + mode.ToString().ToLowerInvariant();

    public async Task InitializeAsync()
    {
        var specs = new List<KubeletSpec>();
        specs.AddRange(Enum.GetValues<KubeletCertificateKind>().Select(k => new KubeletSpec(CertNode(k), new KubeletPosture(k))));
        specs.AddRange(Enum.GetValues<AnonymousMode>().Select(m => new KubeletSpec(AnonNode(m), new KubeletPosture(Anonymous: m, ReadOnlyPort: m == AnonymousMode.Allowed))));
        specs.Add(new KubeletSpec("faulty", new KubeletPosture(Anonymous: AnonymousMode.Allowed, Faults: new FaultPlan(FaultMode.ServerError, PathPrefix: "/pods"))));
        specs.Add(new KubeletSpec("stalled", new KubeletPosture(Faults: new FaultPlan(FaultMode.StalledHandshake))));
        Fleet = await KubeletFleet.StartAsync(new KubeletFleetOptions { ClusterCa = ClusterCa, Specs = specs });
    }

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}
