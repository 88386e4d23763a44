using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>One kubelet to start: the node it serves and how it is set up.</summary>
public sealed record KubeletSpec(string NodeName, KubeletPosture Posture);

/// <summary>What <see cref="KubeletFleet.StartAsync"/> starts.</summary>
public sealed record KubeletFleetOptions
{
    /// <summary>
    /// The cluster CA, with its private key: it signs the kubelets' serving certificates (for the postures
    /// that are CA-signed) and is the CA client certificates must chain to.
    /// </summary>
    public required X509Certificate2 ClusterCa { get; init; }

    /// <summary>The kubelets, one listener (and optionally a read-only port) each.</summary>
    public required IReadOnlyList<KubeletSpec> Specs { get; init; }
}
