using System.Security.Cryptography.X509Certificates;
using System.Text;
using K8sComm.Core.Discovery;
using K8sComm.Sandbox;

namespace K8sComm.Core.Tests.Api;

/// <summary>Endpoints built directly (no kubeconfig) for the client and probe tests.</summary>
internal static class Endpoints
{
    public static ResolvedEndpoint For(Uri server, EndpointCredentials credentials, bool insecure = false,
        string? tlsServerName = null, Uri? proxy = null) => new()
    {
        Context = "test",
        Cluster = "test",
        User = "test",
        Namespace = "default",
        Server = server,
        Source = EndpointSource.Kubeconfig,
        CertificateAuthority = new CertificateAuthorityInfo("test", null),
        InsecureSkipTlsVerify = insecure,
        TlsServerName = tlsServerName,
        ProxyUrl = proxy,
        Credentials = credentials,
    };

    public static byte[] Ca(SandboxCluster cluster) => Encoding.ASCII.GetBytes(cluster.CaCertificatePem);

    /// <summary>The admin client certificate with its key, as a kubeconfig would give it.</summary>
    public static X509Certificate2 AdminCertificate(SandboxCluster cluster) =>
        X509Certificate2.CreateFromPemFile(cluster.Files.AdminCertificate, cluster.Files.AdminKey);

    public static ResolvedEndpoint Certificate(SandboxCluster cluster, byte[]? ca = null) =>
        For(cluster.ApiServerUri, new EndpointCredentials
        {
            CertificateAuthorityData = ca ?? Ca(cluster),
            ClientCertificate = AdminCertificate(cluster),
        });

    public static ResolvedEndpoint Token(SandboxCluster cluster, string? token = null, byte[]? ca = null) =>
        For(cluster.ApiServerUri, new EndpointCredentials
        {
            CertificateAuthorityData = ca ?? Ca(cluster),
            BearerToken = token ?? cluster.AdminToken,
        });

    public static ResolvedEndpoint Anonymous(SandboxCluster cluster) =>
        For(cluster.ApiServerUri, new EndpointCredentials { CertificateAuthorityData = Ca(cluster) });

    public static ResolvedEndpoint Insecure(SandboxCluster cluster, string? token = null) =>
        For(cluster.ApiServerUri, new EndpointCredentials { BearerToken = token ?? cluster.AdminToken }, insecure: true);
}
