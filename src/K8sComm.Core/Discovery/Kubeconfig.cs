namespace K8sComm.Core.Discovery;

/// <summary>
/// One or more kubeconfig files merged by kubectl's rules. Names are case-sensitive, as in kubectl.
/// Secrets stay inside the internal user entries and never surface here.
/// </summary>
public sealed class Kubeconfig
{
    internal Kubeconfig(
        IReadOnlyList<string> files,
        string? currentContext,
        IReadOnlyDictionary<string, KubeconfigContext> contexts,
        IReadOnlyDictionary<string, KubeconfigCluster> clusters,
        IReadOnlyDictionary<string, KubeconfigUser> users)
    {
        Files = files;
        CurrentContext = currentContext;
        Contexts = contexts;
        Clusters = clusters;
        Users = users;
    }

    /// <summary>The files that were read, in precedence order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The first non-empty current-context of the files, or null.</summary>
    public string? CurrentContext { get; }

    public IReadOnlyDictionary<string, KubeconfigContext> Contexts { get; }
    public IReadOnlyDictionary<string, KubeconfigCluster> Clusters { get; }
    internal IReadOnlyDictionary<string, KubeconfigUser> Users { get; }

    /// <summary>Context names in kubectl's order (ordinal), e.g. for tab completion.</summary>
    public IReadOnlyList<string> ContextNames =>
        Contexts.Keys.Order(StringComparer.Ordinal).ToArray();

    public override string ToString() =>
        $"Kubeconfig ({Contexts.Count} contexts from {string.Join(Path.PathSeparator, Files)})";
}

/// <summary>A named context: which cluster, which user, which namespace (as written; may be empty).</summary>
public sealed record KubeconfigContext(string Name, string Cluster, string User, string Namespace, string SourceFile);

/// <summary>A named cluster; file references are already absolute (resolved against <see cref="SourceFile"/>).</summary>
public sealed record KubeconfigCluster(
    string Name,
    string Server,
    string? CertificateAuthority,
    string? CertificateAuthorityData,
    bool InsecureSkipTlsVerify,
    string? TlsServerName,
    string? ProxyUrl,
    string SourceFile);

/// <summary>
/// An exec credential plugin (users[].user.exec). Its environment values may be secrets, so it is a
/// class with a redacting <see cref="ToString"/>, never a record.
/// </summary>
internal sealed class KubeconfigExec
{
    public required string Command { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];
    public string? ApiVersion { get; init; }
    public string? InstallHint { get; init; }
    public bool ProvideClusterInfo { get; init; }
    /// <summary>Never, IfAvailable or Always; empty when the file does not say (v1beta1 defaults to IfAvailable).</summary>
    public string? InteractiveMode { get; init; }

    public override string ToString() => $"KubeconfigExec {Command} (redacted)";
}

/// <summary>A named user. Holds secrets, so it is a class with a redacting <see cref="ToString"/>, never a record.</summary>
internal sealed class KubeconfigUser
{
    public required string Name { get; init; }
    public required string SourceFile { get; init; }
    public string? ClientCertificate { get; init; }
    public string? ClientCertificateData { get; init; }
    public string? ClientKey { get; init; }
    public string? ClientKeyData { get; init; }
    public string? Token { get; init; }
    public string? TokenFile { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? AuthProvider { get; init; }
    public KubeconfigExec? Exec { get; init; }

    public override string ToString() => $"KubeconfigUser {Name} (redacted)";
}
