namespace K8sComm.Core;

/// <summary>
/// Why a core operation failed. The PowerShell layer turns each into a stable
/// FullyQualifiedErrorId (<c>K8sComm.&lt;Reason&gt;</c>), an ErrorCategory and a localized message.
/// </summary>
public enum FailureReason
{
    KubeconfigNotFound,
    KubeconfigMalformed,
    ContextNotFound,
    NoCurrentContext,
    ClusterNotFound,
    CertificateDataInvalid,
    ServiceAccountNotFound,
    InClusterEnvironmentMissing,

    /// <summary>A cluster's server (or proxy-url) is missing or not an http(s) URL. Arguments: cluster, file, problem.</summary>
    ServerInvalid,
}
