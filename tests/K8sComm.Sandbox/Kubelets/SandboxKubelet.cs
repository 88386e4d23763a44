using System.Net;
using System.Security.Cryptography.X509Certificates;
using K8sComm.Sandbox.Hosting;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>One kubelet of a <see cref="KubeletFleet"/>, as a client sees it.</summary>
public sealed class SandboxKubelet
{
    readonly Lazy<KubeletCredentials> _credentials;

    internal SandboxKubelet(string nodeName, KubeletPosture posture, Func<SandboxKubelet, KubeletCredentials> issue)
    {
        NodeName = nodeName;
        Posture = posture;
        // Issued on first use, so thousands of kubelets start without thousands of signatures.
        _credentials = new Lazy<KubeletCredentials>(() => issue(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The node this kubelet serves.</summary>
    public string NodeName { get; }

    /// <summary>How the kubelet is set up.</summary>
    public KubeletPosture Posture { get; }

    /// <summary>The address the kubelet listens on (the node's InternalIP).</summary>
    public IPAddress Address => IPAddress.Loopback;

    /// <summary>The HTTPS port (the kubelet's 10250).</summary>
    public int Port { get; internal set; }

    /// <summary>The plain-HTTP read-only port (the kubelet's 10255), or null when closed.</summary>
    public int? ReadOnlyPort { get; internal set; }

    /// <summary>https://127.0.0.1:Port/</summary>
    public Uri Uri => new($"https://127.0.0.1:{Port}/");

    /// <summary>http://127.0.0.1:ReadOnlyPort/, or null when the read-only port is closed.</summary>
    public Uri? ReadOnlyUri => ReadOnlyPort is { } port ? new Uri($"http://127.0.0.1:{port}/") : null;

    /// <summary>The serving certificate the kubelet presents (public part only; a new instance per call).</summary>
    public X509Certificate2 ServingCertificate => Certificates.PublicOnly(Credentials.Leaf);

    /// <summary>The serving certificate as PEM.</summary>
    public string ServingCertificatePem => Certificates.ToPem(Credentials.Leaf);

    internal KubeletCredentials Credentials => _credentials.Value;

    /// <inheritdoc />
    public override string ToString() => $"{NodeName} 127.0.0.1:{Port} ({Posture.Certificate}, anonymous {Posture.Anonymous})";
}
