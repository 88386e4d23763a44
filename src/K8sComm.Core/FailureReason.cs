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
    /// <summary>Not in a pod: KUBERNETES_SERVICE_HOST/PORT (and perhaps the token) are missing or unusable.
    /// Arguments: what is missing, joined (variable names, the token path).</summary>
    NotInPod,

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
    /// <summary>A path that is neither an absolute API path nor an http(s) URL. Arguments: the path.</summary>
    ApiPathInvalid,
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

    // Building API server proxy URLs (ApiProxy/).
    /// <summary>A service, pod, node or namespace name Kubernetes would not accept. Arguments: what, value, rule.</summary>
    ProxyNameInvalid,
    /// <summary>A port that is neither a valid port name nor a number 1-65535, or a name where only a number works.
    /// Arguments: value, rule.</summary>
    ProxyPortInvalid,
    /// <summary>A sub-path that could leave the proxy prefix (dot segments, encoded slashes or dots, backslashes)
    /// or holds control characters. Arguments: path, problem.</summary>
    ProxyPathInvalid,
    /// <summary>A base URL that is not an absolute http(s) URL. Arguments: base, problem.</summary>
    ProxyBaseInvalid,
    /// <summary>A pipeline object that is not a service, pod or node (no kind, no metadata.name). Arguments: what it is.</summary>
    ProxyInputInvalid,
}
