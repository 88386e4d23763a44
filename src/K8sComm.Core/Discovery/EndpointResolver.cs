using System.Security.Cryptography.X509Certificates;
using K8sComm.Core.Credentials;
using K8sComm.Core.IO;
using K8sComm.Core.Text;

namespace K8sComm.Core.Discovery;

/// <summary>One context of <see cref="EndpointResolver.ResolveAll"/>: its endpoint, or why it could not be resolved.</summary>
public sealed record ContextResolution(string Context, ResolvedEndpoint? Endpoint, K8sCommException? Error);

/// <summary>
/// Turns a kubeconfig context into a <see cref="ResolvedEndpoint"/>: server, TLS settings, certificate
/// authority facts, authentication methods, credentials and findings.
/// </summary>
public sealed class EndpointResolver(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Resolves <paramref name="contextName"/>, or the current context when null.</summary>
    public ResolvedEndpoint Resolve(Kubeconfig config, string? contextName = null) =>
        new Session(config, _clock.GetUtcNow()).Resolve(contextName ?? CurrentContext(config));

    /// <summary>Resolves every context, ordered by name as <c>kubectl config get-contexts</c> lists them.
    /// A context that fails carries its error instead of stopping the others.</summary>
    public IReadOnlyList<ContextResolution> ResolveAll(Kubeconfig config, CancellationToken cancellationToken = default)
    {
        var session = new Session(config, _clock.GetUtcNow());
        var results = new List<ContextResolution>(config.Contexts.Count);
        foreach (var name in config.ContextNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results.Add(new(name, session.Resolve(name), null));
            }
            catch (K8sCommException e)
            {
                results.Add(new(name, null, e));
            }
        }

        return results;
    }

    private static string CurrentContext(Kubeconfig config) =>
        config.CurrentContext ?? throw new K8sCommException(
            FailureReason.NoCurrentContext,
            "The kubeconfig sets no current-context; name a context. Available: " + Available(config),
            null,
            [Available(config)]);

    private static string Available(Kubeconfig config) =>
        config.Contexts.Count == 0 ? "(none)" : string.Join(", ", config.ContextNames);

    /// <summary>One resolution pass; caches parsed clusters and users so 500 contexts sharing them parse each once.</summary>
    private sealed class Session(Kubeconfig config, DateTimeOffset now)
    {
        private readonly Dictionary<string, ClusterMaterial> _clusters = new(StringComparer.Ordinal);
        private readonly Dictionary<string, UserMaterial> _users = new(StringComparer.Ordinal);

        public ResolvedEndpoint Resolve(string contextName)
        {
            if (!config.Contexts.TryGetValue(contextName, out var context))
            {
                throw new K8sCommException(
                    FailureReason.ContextNotFound,
                    $"Context '{contextName}' is not defined. Available: {Available(config)}",
                    contextName,
                    [contextName, Available(config)]);
            }

            if (!config.Clusters.TryGetValue(context.Cluster, out var cluster))
            {
                throw new K8sCommException(
                    FailureReason.ClusterNotFound,
                    $"Context '{contextName}' names cluster '{context.Cluster}', which is not defined.",
                    contextName,
                    [contextName, context.Cluster]);
            }

            var clusterMaterial = Cached(_clusters, cluster.Name, () => ClusterMaterial.Read(cluster));
            var userMaterial = config.Users.TryGetValue(context.User, out var user)
                ? Cached(_users, user.Name, () => UserMaterial.Read(user))
                : UserMaterial.None;
            var missingUser = user is null && context.User.Length > 0 ? context.User : null;
            var server = ServerUri(cluster, clusterMaterial.Bytes is not null || userMaterial.Certificate is not null);
            UnreadableFile[] unreadable = [.. clusterMaterial.Unreadable is { } ca ? [ca] : Array.Empty<UnreadableFile>(), .. userMaterial.Unreadable];
            var unusable = userMaterial.Unreadable.FirstOrDefault();

            return new ResolvedEndpoint
            {
                Context = context.Name,
                Cluster = cluster.Name,
                User = context.User,
                Namespace = context.Namespace.Length > 0 ? context.Namespace : "default",
                Server = server,
                ServerText = cluster.Server,
                Source = EndpointSource.Kubeconfig,
                SourceFile = cluster.SourceFile,
                TlsServerName = cluster.TlsServerName,
                ProxyUrl = ProxyUri(cluster),
                CertificateAuthority = clusterMaterial.Info,
                InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
                Authentication = userMaterial.Methods,
                UnreadableFiles = unreadable,
                Findings = EndpointFindings.Evaluate(server, cluster.InsecureSkipTlsVerify,
                    clusterMaterial.Bytes is not null || clusterMaterial.Unreadable is not null, userMaterial.Methods, now, missingUser, unreadable,
                    UrlsWithCredentials(cluster)),
                Credentials = new EndpointCredentials
                {
                    CertificateAuthorityData = clusterMaterial.Bytes,
                    CertificateAuthorityUnreadable = clusterMaterial.Unreadable,
                    Unusable = unusable,
                    BearerToken = userMaterial.User?.Token,
                    BearerTokenFile = userMaterial.User?.Token is null ? userMaterial.User?.TokenFile : null,
                    ClientCertificateLoader = userMaterial.Certificate is { } certificate ? () => certificate.Value : null,
                    Exec = userMaterial.User?.Exec is { } exec
                        ? new ExecCredentialPlugin(exec, new ExecClusterInfo(server, cluster.TlsServerName, cluster.InsecureSkipTlsVerify,
                            clusterMaterial.Bytes, ProxyUri(cluster)), context.User)
                        : null,
                    BasicUserName = userMaterial.User?.Username,
                    BasicPassword = userMaterial.User?.Password,
                },
            };
        }

        private static IReadOnlyList<(string Field, string Url)> UrlsWithCredentials(KubeconfigCluster cluster) =>
            new[] { ("server", cluster.Server), ("proxy-url", cluster.ProxyUrl ?? "") }
                .Where(entry => DisplayText.HasCredentials(entry.Item2))
                .Select(entry => ($"clusters[{cluster.Name}].{entry.Item1}", DisplayText.RedactUrl(entry.Item2)))
                .ToArray();

        private static T Cached<T>(Dictionary<string, T> cache, string key, Func<T> read)
        {
            if (!cache.TryGetValue(key, out var value))
            {
                cache[key] = value = read();
            }

            return value;
        }

        /// <summary>The server as written; without a scheme, client-go assumes https when any TLS setting is present.</summary>
        private static Uri ServerUri(KubeconfigCluster cluster, bool hasTlsMaterial)
        {
            var text = cluster.Server.Trim();
            if (text.Length > 0 && !text.Contains("://", StringComparison.Ordinal))
            {
                text = (hasTlsMaterial || cluster.InsecureSkipTlsVerify ? "https://" : "http://") + text;
            }

            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Host.Length > 0)
            {
                return uri;
            }

            var problem = cluster.Server.Length == 0 ? "sets no server" : "has a server that is not an http(s) URL";
            throw new K8sCommException(
                FailureReason.ServerInvalid,
                $"Cluster '{cluster.Name}' in '{cluster.SourceFile}' {problem}.",
                cluster.Name,
                [cluster.Name, cluster.SourceFile, problem]);
        }

        private static Uri? ProxyUri(KubeconfigCluster cluster)
        {
            if (cluster.ProxyUrl is null)
            {
                return null;
            }

            return Uri.TryCreate(cluster.ProxyUrl, UriKind.Absolute, out var uri)
                ? uri
                : throw new K8sCommException(
                    FailureReason.ServerInvalid,
                    $"Cluster '{cluster.Name}' in '{cluster.SourceFile}' has a proxy-url that is not a URL.",
                    cluster.Name,
                    [cluster.Name, cluster.SourceFile, "has a proxy-url that is not a URL"]);
        }
    }

    /// <summary>A cluster's CA: its bytes for the probe and its facts for the user. Data wins over file, as in
    /// client-go. A file that can't be read leaves no bytes, and no fallback to the system store either.</summary>
    private sealed record ClusterMaterial(byte[]? Bytes, CertificateAuthorityInfo Info, UnreadableFile? Unreadable)
    {
        public static ClusterMaterial Read(KubeconfigCluster cluster)
        {
            if (cluster.CertificateAuthorityData is { } data)
            {
                var field = Field(cluster, "certificate-authority-data");
                var decoded = CertificateMaterial.DecodeData(data, field);
                return new(decoded, new CertificateAuthorityInfo("certificate-authority-data", CertificateMaterial.ReadBundle(decoded, field)), null);
            }

            if (cluster.CertificateAuthority is not { } path)
            {
                return new(null, new CertificateAuthorityInfo("none", null), null);
            }

            var unreadable = new List<UnreadableFile>(1);
            var bytes = UnreadableFile.TryRead(path, Field(cluster, "certificate-authority"), LocalFileKind.Certificate, unreadable);
            return bytes is null
                ? new(null, new CertificateAuthorityInfo(path, null), unreadable[0])
                : new(bytes, new CertificateAuthorityInfo(path, CertificateMaterial.ReadBundle(bytes, Field(cluster, "certificate-authority"))), null);
        }

        private static string Field(KubeconfigCluster cluster, string key) => $"clusters[{cluster.Name}].{key}";
    }

    /// <summary>A user's authentication methods (safe to show), the files it names that can't be read, and,
    /// loaded on first use, the client certificate with its key.</summary>
    private sealed class UserMaterial
    {
        public static readonly UserMaterial None = new(null, [], null, []);

        private UserMaterial(KubeconfigUser? user, IReadOnlyList<AuthenticationMethod> methods, Lazy<X509Certificate2>? certificate,
            IReadOnlyList<UnreadableFile> unreadable)
        {
            User = user;
            Methods = methods;
            Certificate = certificate;
            Unreadable = unreadable;
        }

        public KubeconfigUser? User { get; }
        public IReadOnlyList<AuthenticationMethod> Methods { get; }

        /// <summary>Shared by every context of this user, so the key is imported at most once.</summary>
        public Lazy<X509Certificate2>? Certificate { get; }

        public IReadOnlyList<UnreadableFile> Unreadable { get; }

        public static UserMaterial Read(KubeconfigUser user)
        {
            var methods = new List<AuthenticationMethod>();
            var unreadable = new List<UnreadableFile>();
            var certificate = ReadClientCertificate(user, methods, unreadable);
            if (user.Token is not null) methods.Add(new(AuthenticationKind.Token));
            else if (user.TokenFile is not null)
            {
                methods.Add(new(AuthenticationKind.TokenFile, user.TokenFile));
                // client-go reads it when the client is built; so do we, to say now that it can't be.
                if (UnreadableFile.TryRead(user.TokenFile, $"users[{user.Name}].tokenFile", LocalFileKind.Token, unreadable) is { } token)
                    Array.Clear(token);
            }
            if (user.Exec is { } exec) methods.Add(new(AuthenticationKind.Exec, string.Join(' ', [exec.Command, .. DisplayText.RedactArguments(exec.Args)])));
            if (user.AuthProvider is { } provider) methods.Add(new(AuthenticationKind.AuthProvider, provider));
            if (user.Username is not null || user.Password is not null) methods.Add(new(AuthenticationKind.Basic, user.Username));
            return new(user, methods, certificate, unreadable);
        }

        /// <summary>Reads and checks certificate and key now (naming the field that is wrong); imports the key later.</summary>
        private static Lazy<X509Certificate2>? ReadClientCertificate(KubeconfigUser user, List<AuthenticationMethod> methods,
            List<UnreadableFile> unreadable)
        {
            string Field(string key) => $"users[{user.Name}].{key}";
            var (certificate, certificateField) = user switch
            {
                { ClientCertificateData: { } data } => (CertificateMaterial.DecodeData(data, Field("client-certificate-data")), Field("client-certificate-data")),
                { ClientCertificate: { } path } => (UnreadableFile.TryRead(path, Field("client-certificate"), LocalFileKind.Certificate, unreadable), Field("client-certificate")),
                _ => (null, ""),
            };
            var (key, keyField) = user switch
            {
                { ClientKeyData: { } data } => (CertificateMaterial.DecodeData(data, Field("client-key-data")), Field("client-key-data")),
                { ClientKey: { } path } => (UnreadableFile.TryRead(path, Field("client-key"), LocalFileKind.Certificate, unreadable), Field("client-key")),
                _ => (null, Field("client-key-data")),
            };
            if (certificate is null)
            {
                if (user.ClientCertificate is not null)
                {
                    // Named but unreadable: still a way this user authenticates, and the finding says why it can't.
                    methods.Add(new(AuthenticationKind.ClientCertificate, user.ClientCertificate));
                }

                return null;
            }

            var (subject, notAfter) = CertificateMaterial.ReadClientCertificate(certificate, certificateField);
            methods.Add(new(AuthenticationKind.ClientCertificate,
                user.ClientCertificateData is not null ? "client-certificate-data" : user.ClientCertificate,
                subject,
                notAfter));

            if (key is null)
            {
                return user.ClientKey is not null && unreadable.Count > 0
                    ? null
                    : throw CertificateMaterial.Invalid(keyField, "is missing: a client certificate needs its private key");
            }

            CertificateMaterial.CheckPemPrivateKey(key, keyField);
            return new Lazy<X509Certificate2>(() => CertificateMaterial.CombineWithKey(certificate, key, keyField));
        }
    }
}
