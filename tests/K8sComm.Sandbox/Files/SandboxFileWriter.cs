using K8sComm.Sandbox.Pki;

namespace K8sComm.Sandbox.Files;

/// <summary>What the writer needs to know about the running cluster.</summary>
public sealed record ClusterAccess(Uri Server, ClusterPki Pki, string AdminToken,
    string ServiceAccountNamespace, string ServiceAccountName, string ServiceAccountToken)
{
    public override string ToString() => $"{Server} (service account {ServiceAccountNamespace}/{ServiceAccountName}; tokens not shown)";
}

/// <summary>
/// Writes the files a client needs into the work directory: CA bundle, admin certificate and key, five kinds of
/// kubeconfig and a service-account directory like the one mounted into pods.
/// </summary>
public static class SandboxFileWriter
{
    public const string ClusterName = "sandbox";
    public const string CertificateContext = "sandbox-admin";
    public const string TokenContext = "sandbox-token";
    public const string ServiceAccountContext = "sandbox-sa";
    public const string InsecureContext = "sandbox-insecure";
    public const string SplitContext = "sandbox-split";

    public static SandboxFiles Write(string directory, ClusterAccess access)
    {
        Directory.CreateDirectory(directory);
        var server = access.Server.ToString().TrimEnd('/');
        var caPem = access.Pki.CaCertificatePem;
        var adminCertificatePem = Pem.Certificate(access.Pki.AdminClientCertificate);
        var adminKeyPem = Pem.PrivateKey(access.Pki.AdminClientCertificate);

        var caBundle = WriteFile(directory, "ca.crt", caPem);
        var adminCertificate = WriteFile(directory, "pki/admin.crt", adminCertificatePem);
        var adminKey = WriteFile(directory, "pki/admin.key", adminKeyPem, secret: true);

        var trusted = new KubeconfigCluster(ClusterName, server) { CertificateAuthorityData = Kubeconfig.Base64(caPem) };
        var insecure = new KubeconfigCluster(InsecureContext, server) { InsecureSkipTlsVerify = true };
        var certUser = new KubeconfigUser(CertificateContext)
        {
            ClientCertificateData = Kubeconfig.Base64(adminCertificatePem),
            ClientKeyData = Kubeconfig.Base64(adminKeyPem),
        };
        var tokenUser = new KubeconfigUser(TokenContext) { Token = access.AdminToken };
        var saUser = new KubeconfigUser(ServiceAccountContext) { Token = access.ServiceAccountToken };

        var certificateKubeconfig = WriteKubeconfig(directory, "kubeconfig-cert.yaml", new Kubeconfig
        {
            Clusters = [trusted],
            Users = [certUser],
            Contexts = [new(CertificateContext, ClusterName, CertificateContext)],
            CurrentContext = CertificateContext,
        });
        var tokenKubeconfig = WriteKubeconfig(directory, "kubeconfig-token.yaml", new Kubeconfig
        {
            Clusters = [trusted],
            Users = [tokenUser],
            Contexts = [new(TokenContext, ClusterName, TokenContext)],
            CurrentContext = TokenContext,
        });
        var insecureKubeconfig = WriteKubeconfig(directory, "kubeconfig-insecure.yaml", new Kubeconfig
        {
            Clusters = [insecure],
            Users = [tokenUser],
            Contexts = [new(InsecureContext, InsecureContext, TokenContext)],
            CurrentContext = InsecureContext,
        });
        var multiContextKubeconfig = WriteKubeconfig(directory, "kubeconfig-multi.yaml", new Kubeconfig
        {
            Clusters = [trusted, insecure],
            Users = [certUser, tokenUser, saUser],
            Contexts =
            [
                new(CertificateContext, ClusterName, CertificateContext),
                new(TokenContext, ClusterName, TokenContext, "kube-system"),
                new(ServiceAccountContext, ClusterName, ServiceAccountContext, access.ServiceAccountNamespace),
                new(InsecureContext, InsecureContext, TokenContext),
            ],
            CurrentContext = CertificateContext,
        });

        var split = WriteSplitKubeconfig(directory, server);
        var serviceAccountDirectory = WriteServiceAccountDirectory(Path.Combine(directory, "serviceaccount"),
            caPem, access.ServiceAccountNamespace, access.ServiceAccountToken);

        return new SandboxFiles(caBundle, certificateKubeconfig, tokenKubeconfig, insecureKubeconfig, multiContextKubeconfig,
            split, serviceAccountDirectory)
        {
            AdminCertificate = adminCertificate,
            AdminKey = adminKey,
        };
    }

    /// <summary>
    /// A KUBECONFIG spread over three files in different folders, with relative certificate paths. The last file
    /// also defines a decoy context of the same name and its own current-context: kubectl's merge keeps the
    /// first definition of each, so the decoy must never win.
    /// </summary>
    private static string[] WriteSplitKubeconfig(string directory, string server)
    {
        var contexts = WriteKubeconfig(directory, "split/contexts.yaml", new Kubeconfig
        {
            Contexts = [new(SplitContext, ClusterName, SplitContext, "default")],
            CurrentContext = SplitContext,
        });
        var clusters = WriteKubeconfig(directory, "split/clusters/cluster.yaml", new Kubeconfig
        {
            Clusters = [new KubeconfigCluster(ClusterName, server) { CertificateAuthorityPath = "../../ca.crt" }],
        });
        var users = WriteKubeconfig(directory, "split/users/admin.yaml", new Kubeconfig
        {
            Clusters = [new KubeconfigCluster(ClusterName, "https://127.0.0.1:1") { InsecureSkipTlsVerify = true }],
            Users = [new KubeconfigUser(SplitContext) { ClientCertificatePath = "../../pki/admin.crt", ClientKeyPath = "../../pki/admin.key" }],
            Contexts = [new(SplitContext, "decoy", "decoy", "decoy")],
            CurrentContext = "decoy",
        });
        return [contexts, clusters, users];
    }

    /// <summary>token, ca.crt and namespace, as in /var/run/secrets/kubernetes.io/serviceaccount.</summary>
    public static string WriteServiceAccountDirectory(string directory, string caPem, string ns, string token)
    {
        Directory.CreateDirectory(directory);
        WriteFile(directory, "token", token, secret: true);
        WriteFile(directory, "ca.crt", caPem);
        WriteFile(directory, "namespace", ns);
        return Path.GetFullPath(directory);
    }

    /// <summary>Writes a file only its owner may read (a token, a key).</summary>
    public static string WriteSecret(string path, string content) =>
        WriteFile(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path), content, secret: true);

    private static string WriteKubeconfig(string directory, string relativePath, Kubeconfig kubeconfig) =>
        WriteFile(directory, relativePath, kubeconfig.ToYaml(), secret: true);

    private static string WriteFile(string directory, string relativePath, string content, bool secret = false)
    {
        var path = Path.GetFullPath(Path.Combine(directory, relativePath));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (secret && !OperatingSystem.IsWindows())
        {
            // Keys and tokens: owner-only, as kubectl and kubelets expect.
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(content);
        }
        else
        {
            File.WriteAllText(path, content);
        }

        return path;
    }
}
