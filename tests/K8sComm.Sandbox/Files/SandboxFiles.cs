namespace K8sComm.Sandbox.Files;

/// <summary>The files a sandbox cluster writes for clients; every path is absolute and inside the work directory.</summary>
public sealed record SandboxFiles(
    string CaBundle,
    string CertificateKubeconfig,
    string TokenKubeconfig,
    string InsecureKubeconfig,
    string MultiContextKubeconfig,
    string[] SplitKubeconfig,
    string ServiceAccountDirectory)
{
    /// <summary>The admin client certificate and key as separate PEM files (the split kubeconfig points at them).</summary>
    public required string AdminCertificate { get; init; }
    public required string AdminKey { get; init; }

    /// <summary>The split files joined as a KUBECONFIG value (platform path separator).</summary>
    public string SplitKubeconfigVariable => string.Join(Path.PathSeparator, SplitKubeconfig);
}
