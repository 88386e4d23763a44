namespace K8sComm.Core;

/// <summary>
/// Why a core operation failed. The PowerShell layer turns each into a stable
/// FullyQualifiedErrorId (<c>K8sComm.&lt;Reason&gt;</c>), an ErrorCategory and a localized message.
/// </summary>
public enum FailureReason
{
    KubeconfigNotFound,
    KubeconfigMalformed,
    /// <summary>A kubeconfig exists but can't be read (permissions, a directory). Arguments: file, the OS's reason.</summary>
    KubeconfigUnreadable,
    /// <summary>A path that can't name a file (a null character, an unknown drive). Arguments: path, problem.</summary>
    PathInvalid,
    ContextNotFound,
    NoCurrentContext,
    ClusterNotFound,
    CertificateDataInvalid,
    ServiceAccountNotFound,
    InClusterEnvironmentMissing,

    /// <summary>A cluster's server (or proxy-url) is missing or not an http(s) URL. Arguments: cluster, file, problem.</summary>
    ServerInvalid,

    /// <summary>Two ways of choosing the API server were given at once. Arguments: the two parameters.</summary>
    ConnectionParametersConflict,

    // Talking to a server (Tls/, Api/).
    /// <summary>No TCP connection could be made.</summary>
    ServerUnreachable,
    /// <summary>The forward proxy (a kubeconfig's proxy-url) refused or failed the tunnel.</summary>
    ForwardProxyFailed,
    /// <summary>TCP connected, but the TLS handshake failed.</summary>
    TlsHandshakeFailed,
    /// <summary>The server's certificate does not verify (chain or name), so nothing was sent.</summary>
    ServerCertificateUntrusted,
    /// <summary>A step did not finish within its time limit.</summary>
    Timeout,
    /// <summary>A bearer token or basic credentials would have gone over plain http.</summary>
    UnencryptedAuthentication,
    /// <summary>An exec credential plugin's command can't be started. Arguments: command, user, install hint.</summary>
    ExecPluginNotFound,
    /// <summary>An exec credential plugin ran but gave no usable credential. Arguments: command, user, problem.</summary>
    ExecPluginFailed,
    /// <summary>The token file named by the endpoint can't be read.</summary>
    TokenFileUnreadable,
    /// <summary>401 from the API server.</summary>
    ApiUnauthorized,
    /// <summary>403 from the API server.</summary>
    ApiForbidden,
    /// <summary>404 from the API server.</summary>
    ApiNotFound,
    /// <summary>Any other error status from the API server.</summary>
    ApiError,
    /// <summary>The response could not be understood (not JSON, truncated, too large).</summary>
    ResponseInvalid,

    // Kubelets (Kubelets/).
    /// <summary>A -Node name or pattern matched no node. Arguments: the name or pattern.</summary>
    NodeNotFound,
    /// <summary>A node has no address of the wanted types. Arguments: node, the types.</summary>
    NodeAddressMissing,
    /// <summary>A -Address is not host[:port]. Arguments: the text, the problem.</summary>
    KubeletAddressInvalid,
    /// <summary>No CA bundle to judge kubelets by. Arguments: where one was looked for.</summary>
    KubeletCertificateAuthorityMissing,
    /// <summary>A piped object is not a node. Arguments: the problem.</summary>
    NodeInputInvalid,
}
