namespace K8sComm;

// The public enums mirror the core's by name: scripts see types of this assembly only, while the
// core lives in the module's own load context.

public enum EndpointSource { Kubeconfig, InCluster, Direct }

public enum AuthenticationKind { ClientCertificate, Token, TokenFile, Exec, AuthProvider, Basic }

public enum FindingSeverity { Info, Low, Medium, High, Critical }

public enum AnonymousAccess { Unknown, Rejected, Denied, Allowed }

public enum ProbeStepStatus { Succeeded, Failed, Skipped, NotSupported }

public enum TrustSource { EndpointCertificateAuthority, SystemTrustStore, NotVerified }

public enum KubeletCertificateStatus
{
    Trusted, Untrusted, SelfSigned, Expired, NotYetValid, NameMismatch, WeakKey, WeakSignature, Unreachable, HandshakeFailed,
}

public enum NodeAddressType { InternalIP, Hostname, ExternalIP, InternalDNS, ExternalDNS }

public enum ProxyTargetKind { Service, Pod, Node }

public enum ClusterInfoEntryKind { ControlPlane, Service }

public enum NamespaceSource { Environment, File, Default }

public enum ServiceAccountTokenKind { Projected, Requested, LegacySecret, Unknown }

internal static class Enums
{
    /// <summary>Maps a core enum value to the public enum member of the same name.</summary>
    internal static TTarget Convert<TSource, TTarget>(TSource value)
        where TSource : struct, Enum
        where TTarget : struct, Enum
        => Enum.Parse<TTarget>(value.ToString());
}
