using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Kubelets;

/// <summary>
/// The kubelet's x509 authenticator: a client certificate that chains to the cluster CA and allows
/// client authentication names a user (CN) and groups (O).
/// </summary>
internal sealed class KubeletIdentity(X509Certificate2 clusterCa)
{
    static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    readonly X509Certificate2 _clusterCa = X509CertificateLoader.LoadCertificate(clusterCa.RawData);

    /// <summary>The authenticated user name, or null when the certificate is absent or not trusted.</summary>
    public string? Authenticate(X509Certificate2? clientCertificate)
    {
        if (clientCertificate is null)
            return null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_clusterCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        return chain.Build(clientCertificate) ? clientCertificate.GetNameInfo(X509NameType.SimpleName, false) : null;
    }
}
