using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace K8sComm.Sandbox.Pki;

/// <summary>
/// The certificates one sandbox cluster needs, generated fresh for each run: the cluster CA, the API server's
/// serving certificate, the admin's client certificate, the API server's client certificate for kubelets,
/// and the service-account token signer.
/// </summary>
public sealed class ClusterPki : IDisposable
{
    /// <summary>Every name a client may use for the API server, in a pod or outside one.</summary>
    public static readonly IReadOnlyList<string> ApiServerDnsNames =
    [
        "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
    ];

    public const string AdminUser = "sandbox-admin";
    public const string MastersGroup = "system:masters";
    public const string KubeletClientUser = "kube-apiserver-kubelet-client";

    private ClusterPki(X509Certificate2 ca, X509Certificate2 apiServer, X509Certificate2 admin,
        X509Certificate2 kubeletClient, ServiceAccountTokenIssuer tokens)
    {
        CertificateAuthority = ca;
        ApiServerCertificate = apiServer;
        AdminClientCertificate = admin;
        KubeletClientCertificate = kubeletClient;
        ServiceAccountTokens = tokens;
    }

    /// <summary>The cluster CA, with its private key (kubelet certificates are signed with it too).</summary>
    public X509Certificate2 CertificateAuthority { get; }
    public X509Certificate2 ApiServerCertificate { get; }
    /// <summary>CN=sandbox-admin, O=system:masters.</summary>
    public X509Certificate2 AdminClientCertificate { get; }
    /// <summary>What the API server presents to kubelets (--kubelet-client-certificate).</summary>
    public X509Certificate2 KubeletClientCertificate { get; }
    public ServiceAccountTokenIssuer ServiceAccountTokens { get; }

    public string CaCertificatePem => Pem.Certificate(CertificateAuthority);

    public static ClusterPki Create(KeyKind key = KeyKind.EcdsaP256)
    {
        var ca = CertificateFactory.CreateAuthority("sandbox-cluster-ca", key);
        var apiServer = CertificateFactory.Issue(ca, new CertificateSpec("CN=kube-apiserver")
        {
            DnsNames = ApiServerDnsNames,
            IpAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback],
            ServerAuth = true,
            Key = key,
        });
        var admin = CertificateFactory.Issue(ca, new CertificateSpec($"CN={AdminUser}, O={MastersGroup}") { ClientAuth = true, Key = key });
        var kubeletClient = CertificateFactory.Issue(ca,
            new CertificateSpec($"CN={KubeletClientUser}, O={MastersGroup}") { ClientAuth = true, Key = key });
        var tokens = new ServiceAccountTokenIssuer(key == KeyKind.EcdsaP256 ? KeyKind.EcdsaP256 : KeyKind.Rsa2048);
        return new ClusterPki(ca, apiServer, admin, kubeletClient, tokens);
    }

    /// <summary>True when <paramref name="certificate"/> chains to the cluster CA and is valid now.</summary>
    public bool IsIssuedByCluster(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CertificateAuthority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        CertificateAuthority.Dispose();
        ApiServerCertificate.Dispose();
        AdminClientCertificate.Dispose();
        KubeletClientCertificate.Dispose();
        ServiceAccountTokens.Dispose();
    }
}
