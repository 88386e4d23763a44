using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Kubelets;
using K8sComm.Sandbox.Pki;

namespace K8sComm.Sandbox;

/// <summary>How to start a <see cref="SandboxCluster"/>. Null overrides take the posture's default.</summary>
public sealed record SandboxOptions
{
    public SandboxPosture Posture { get; init; } = SandboxPosture.Secure;

    /// <summary>Number of kubelets, named node-0, node-1, ...</summary>
    public int NodeCount { get; init; } = 1;

    /// <summary>What the API server does with requests that carry no credentials.</summary>
    public AnonymousMode? AnonymousAuth { get; init; }

    /// <summary>One posture per node; overrides the posture's default kubelets. When given, its length is the node count.</summary>
    public IReadOnlyList<KubeletPosture>? KubeletPostures { get; init; }

    /// <summary>Applied to every API server request or connection.</summary>
    public FaultPlan? ApiServerFaults { get; init; }

    /// <summary>Run a konnectivity agent (egress selector). Secure: true, Insecure: false.</summary>
    public bool? KonnectivityAgent { get; init; }

    /// <summary>Where files go. Default: a fresh temporary directory, deleted on dispose.
    /// A directory given here is kept; only the files the sandbox wrote are removed.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Serve the API server on [::1] instead of 127.0.0.1 (kubeconfigs and the in-cluster variables follow).</summary>
    public bool IPv6 { get; init; }

    /// <summary>Key type of the cluster CA, API server and client certificates; RSA also makes service-account tokens RS256.
    /// RSA key generation is slow (0.2–1 s per key on a small machine, five keys per cluster): use it only when RSA matters.</summary>
    public KeyKind Keys { get; init; } = KeyKind.EcdsaP256;

    /// <summary>The authentication.k8s.io versions whose SelfSubjectReview the API server serves; the rest
    /// answer 404. Default: v1 and v1beta1, as v1.32 does. A v1.26 server serves none (v1alpha1 only with
    /// the APISelfSubjectReview feature gate).</summary>
    public IReadOnlyList<string> SelfSubjectReviewVersions { get; init; } = ["v1", "v1beta1"];

    /// <summary>The service account whose token, ca.crt and namespace fill <see cref="SandboxFiles.ServiceAccountDirectory"/>.</summary>
    public string ServiceAccountNamespace { get; init; } = "default";
    public string ServiceAccountName { get; init; } = "default";
}
