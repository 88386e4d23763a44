using K8sComm.Core.IO;
using System.Net;
using System.Net.Sockets;

namespace K8sComm.Core.Discovery;

/// <summary>
/// The endpoint a pod uses, as client-go's InClusterConfig builds it: https://HOST:PORT from
/// KUBERNETES_SERVICE_HOST/PORT (IPv6 bracketed), the service account's ca.crt, and its token file,
/// read at request time because the kubelet rotates it. The environment is passed in so tests can drive it.
/// </summary>
public static class InClusterResolver
{
    public const string DefaultServiceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    public const string HostVariable = "KUBERNETES_SERVICE_HOST";
    public const string PortVariable = "KUBERNETES_SERVICE_PORT";

    /// <summary>Takes precedence over the namespace file, as in client-go.</summary>
    public const string PodNamespaceVariable = "POD_NAMESPACE";

    /// <summary>True when the environment looks like a pod's (both variables set); reads no files.</summary>
    /// <summary>The variables a pod is given, as this process sees them.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        new[] { HostVariable, PortVariable, PodNamespaceVariable }.ToDictionary(name => name, System.Environment.GetEnvironmentVariable);

    public static bool IsAvailable(IReadOnlyDictionary<string, string?> environment) =>
        !string.IsNullOrEmpty(Get(environment, HostVariable)) && !string.IsNullOrEmpty(Get(environment, PortVariable));

    /// <param name="apiServer">Where to reach the API server instead of KUBERNETES_SERVICE_HOST/PORT
    /// (e.g. https://kubernetes.default.svc); the variables are then not needed.</param>
    /// <exception cref="K8sCommException">NotInPod when neither the variables nor the token are there (the
    /// arguments say which are missing); ServiceAccountNotFound when the variables are there but the token is not.</exception>
    public static ResolvedEndpoint Resolve(
        IReadOnlyDictionary<string, string?> environment,
        string? serviceAccountPath = null,
        TimeProvider? clock = null,
        Uri? apiServer = null)
    {
        if (apiServer is not null && apiServer.Scheme != Uri.UriSchemeHttps && apiServer.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException("The API server must be an http or https URL.", nameof(apiServer));

        var directory = Path.GetFullPath(serviceAccountPath ?? DefaultServiceAccountPath);
        var tokenFile = Path.Combine(directory, "token");
        var missing = apiServer is not null
            ? new List<string>()
            : new[] { HostVariable, PortVariable }.Where(v => string.IsNullOrEmpty(Get(environment, v))).ToList();
        var hasToken = File.Exists(tokenFile);
        if (missing.Count > 0)
        {
            if (!hasToken) missing.Add(tokenFile);
            throw NotInPod(missing);
        }
        if (!hasToken)
        {
            throw new K8sCommException(
                FailureReason.ServiceAccountNotFound,
                $"No service-account token at '{tokenFile}'.",
                tokenFile,
                [tokenFile]);
        }

        var server = apiServer ?? ServerUri(Get(environment, HostVariable)!.Trim(), Get(environment, PortVariable)!.Trim());
        var (caBytes, caInfo) = ReadCertificateAuthority(Path.Combine(directory, "ca.crt"));
        var authentication = new[] { new AuthenticationMethod(AuthenticationKind.TokenFile, tokenFile) };
        return new ResolvedEndpoint
        {
            Context = null,
            Cluster = null,
            User = null,
            Namespace = Namespace(environment, directory),
            Server = server,
            Source = EndpointSource.InCluster,
            SourceFile = directory,
            CertificateAuthority = caInfo,
            Authentication = authentication,
            Findings = EndpointFindings.Evaluate(server, false, caBytes is not null, authentication,
                (clock ?? TimeProvider.System).GetUtcNow()),
            Credentials = new EndpointCredentials { CertificateAuthorityData = caBytes, BearerTokenFile = tokenFile },
        };
    }

    /// <summary>net.JoinHostPort: brackets an IPv6 literal.</summary>
    private static Uri ServerUri(string host, string port)
    {
        var hostPart = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]"
            : host;
        return Uri.TryCreate($"https://{hostPart}:{port}", UriKind.Absolute, out var uri)
            ? uri
            : throw NotInPod([$"{HostVariable}:{PortVariable}"]);
    }

    /// <summary>Lists what is missing (variable names, the token path), so the message says exactly that.</summary>
    private static K8sCommException NotInPod(IReadOnlyList<string> missing) => new(
        FailureReason.NotInPod,
        $"Not running in a pod: missing or unusable: {string.Join(", ", missing)}.",
        null,
        [string.Join(", ", missing)]);

    /// <summary>client-go goes on without a CA when ca.crt is missing; so do we, and the finding says so.</summary>
    private static (byte[]? Bytes, CertificateAuthorityInfo Info) ReadCertificateAuthority(string path)
    {
        if (!LocalFile.Exists(path))
        {
            return (null, new CertificateAuthorityInfo("none", null));
        }

        var bytes = CertificateMaterial.ReadFile(path, path);
        return (bytes, new CertificateAuthorityInfo(path, CertificateMaterial.ReadBundle(bytes, path)));
    }

    private static string Namespace(IReadOnlyDictionary<string, string?> environment, string directory)
    {
        if (Get(environment, PodNamespaceVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var file = Path.Combine(directory, "namespace");
        var fromFile = LocalFile.Exists(file) ? ReadNamespace(file) : "";
        return fromFile.Length > 0 ? fromFile : "default";
    }

    // As in client-go, a namespace file that can't be read means "default"; a pipe or device is never opened.
    private static string ReadNamespace(string file)
    {
        try
        {
            return LocalFile.ReadAllText(file, LocalFileKind.Token).Trim();
        }
        catch (LocalFileException)
        {
            return "";
        }
    }

    private static string? Get(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) ? value : null;
}
