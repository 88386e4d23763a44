using System.Text;

namespace K8sComm.Sandbox.Files;

public sealed record KubeconfigCluster(string Name, string Server)
{
    public string? CertificateAuthorityPath { get; init; }
    public string? CertificateAuthorityData { get; init; }
    public bool InsecureSkipTlsVerify { get; init; }
}

/// <summary>A kubeconfig user entry. Paths may be relative: kubectl resolves them against the file they are in.</summary>
public sealed record KubeconfigUser(string Name)
{
    public string? Token { get; init; }
    public string? ClientCertificatePath { get; init; }
    public string? ClientKeyPath { get; init; }
    public string? ClientCertificateData { get; init; }
    public string? ClientKeyData { get; init; }

    /// <summary>Names which credentials are set, never their values.</summary>
    public override string ToString()
    {
        var kinds = new[]
        {
            Token is null ? null : "token",
            ClientCertificatePath ?? (ClientCertificateData is null ? null : "client-certificate-data"),
            ClientKeyPath is null && ClientKeyData is null ? null : "client-key",
        }.OfType<string>();
        return $"user {Name} ({string.Join(", ", kinds)})";
    }
}

public sealed record KubeconfigContext(string Name, string Cluster, string User, string? Namespace = null);

/// <summary>
/// One kubeconfig file, written as YAML by hand (no YAML library: what we write is what kubectl reads,
/// with every scalar double-quoted so no value is misread).
/// </summary>
public sealed record Kubeconfig
{
    public IReadOnlyList<KubeconfigCluster> Clusters { get; init; } = [];
    public IReadOnlyList<KubeconfigUser> Users { get; init; } = [];
    public IReadOnlyList<KubeconfigContext> Contexts { get; init; } = [];
    public string? CurrentContext { get; init; }

    /// <summary>A summary without credentials; <see cref="ToYaml"/> is the file content.</summary>
    public override string ToString() =>
        $"kubeconfig: {Clusters.Count} cluster(s), {Users.Count} user(s), {Contexts.Count} context(s), current {CurrentContext ?? "(none)"}";

    public string ToYaml()
    {
        var yaml = new StringBuilder();
        yaml.Append("apiVersion: v1\nkind: Config\npreferences: {}\n");
        if (CurrentContext is not null) yaml.Append("current-context: ").Append(Quote(CurrentContext)).Append('\n');

        yaml.Append(Clusters.Count == 0 ? "clusters: []\n" : "clusters:\n");
        foreach (var cluster in Clusters)
        {
            yaml.Append("- name: ").Append(Quote(cluster.Name)).Append("\n  cluster:\n");
            yaml.Append("    server: ").Append(Quote(cluster.Server)).Append('\n');
            Field(yaml, "    certificate-authority", cluster.CertificateAuthorityPath);
            Field(yaml, "    certificate-authority-data", cluster.CertificateAuthorityData);
            if (cluster.InsecureSkipTlsVerify) yaml.Append("    insecure-skip-tls-verify: true\n");
        }

        yaml.Append(Users.Count == 0 ? "users: []\n" : "users:\n");
        foreach (var user in Users)
        {
            yaml.Append("- name: ").Append(Quote(user.Name)).Append("\n  user:");
            var fields = new StringBuilder();
            Field(fields, "    token", user.Token);
            Field(fields, "    client-certificate", user.ClientCertificatePath);
            Field(fields, "    client-key", user.ClientKeyPath);
            Field(fields, "    client-certificate-data", user.ClientCertificateData);
            Field(fields, "    client-key-data", user.ClientKeyData);
            yaml.Append(fields.Length == 0 ? " {}\n" : "\n" + fields);
        }

        yaml.Append(Contexts.Count == 0 ? "contexts: []\n" : "contexts:\n");
        foreach (var context in Contexts)
        {
            yaml.Append("- name: ").Append(Quote(context.Name)).Append("\n  context:\n");
            yaml.Append("    cluster: ").Append(Quote(context.Cluster)).Append('\n');
            yaml.Append("    user: ").Append(Quote(context.User)).Append('\n');
            Field(yaml, "    namespace", context.Namespace);
        }

        return yaml.ToString();
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static void Field(StringBuilder yaml, string key, string? value)
    {
        if (value is not null) yaml.Append(key).Append(": ").Append(Quote(value)).Append('\n');
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
