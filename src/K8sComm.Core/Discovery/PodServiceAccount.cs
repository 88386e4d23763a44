using K8sComm.Core.IO;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Discovery;

/// <summary>Where the pod's namespace came from, in client-go's order.</summary>
public enum NamespaceSource
{
    /// <summary>The POD_NAMESPACE variable (the downward API), which wins.</summary>
    Environment,
    /// <summary>The service-account directory's namespace file.</summary>
    File,
    /// <summary>Neither: "default".</summary>
    Default,
}

/// <summary>
/// What a pod is, from the inside: where it reaches the API server, its namespace, what its token says
/// about itself (claims read, not trusted) and which CA it trusts. Holds no secret.
/// </summary>
public sealed record ServiceAccountContext
{
    public required Uri ApiServer { get; init; }
    public required string Namespace { get; init; }
    public required NamespaceSource NamespaceSource { get; init; }
    public required string Directory { get; init; }
    public required string TokenFile { get; init; }
    public required ServiceAccountToken Token { get; init; }
    /// <summary>The ca.crt path, or null when the directory has none.</summary>
    public string? CertificateAuthorityFile { get; init; }
    /// <summary>The first certificate of ca.crt.</summary>
    public CertificateFacts? CertificateAuthority { get; init; }
    /// <summary>The endpoint to call the API server with (credentials inside, never printed).</summary>
    public required ResolvedEndpoint Endpoint { get; init; }
}

/// <summary>
/// The pod's own way to the API server (seed 003): KUBERNETES_SERVICE_HOST/PORT or an explicit server,
/// the mounted token, and the mounted ca.crt as the only trust anchor. Unlike client-go, which falls back
/// to the system roots when ca.crt is missing, this fails closed: a pod's API server is never vouched for
/// by a public CA. Skipping the check is explicit.
/// </summary>
public static class PodServiceAccount
{
    // A script calls the API many times; reading and judging ca.crt each time would cost more than the
    // call. An endpoint is reused while the variables, the options and the files' size and time are the same.
    private const int RememberedEndpoints = 16;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResolvedEndpoint> Recent = new();

    /// <exception cref="K8sCommException">NotInPod, ServiceAccountNotFound, or CertificateDataInvalid when
    /// ca.crt is missing or unreadable and the check is not skipped.</exception>
    public static ResolvedEndpoint ResolveEndpoint(IReadOnlyDictionary<string, string?> environment, string? serviceAccountPath,
        Uri? apiServer = null, bool skipCertificateCheck = false, TimeProvider? clock = null)
    {
        var key = CacheKey(environment, serviceAccountPath, apiServer, skipCertificateCheck);
        if (clock is null && Recent.TryGetValue(key, out var known))
            return known;
        var endpoint = Resolve(environment, serviceAccountPath, apiServer, skipCertificateCheck, clock);
        if (clock is null)
        {
            if (Recent.Count >= RememberedEndpoints) Recent.Clear();
            Recent[key] = endpoint;
        }
        return endpoint;
    }

    private static string CacheKey(IReadOnlyDictionary<string, string?> environment, string? serviceAccountPath, Uri? apiServer, bool skip)
    {
        var directory = Path.GetFullPath(serviceAccountPath ?? InClusterResolver.DefaultServiceAccountPath);
        string Variable(string name) => environment.TryGetValue(name, out var value) ? value ?? "" : "";
        string Stamp(string file)
        {
            var info = new FileInfo(Path.Combine(directory, file));
            return info.Exists ? $"{info.Length}@{info.LastWriteTimeUtc.Ticks}" : "-";
        }
        return string.Join('|', directory, apiServer?.AbsoluteUri, skip, Variable(InClusterResolver.HostVariable),
            Variable(InClusterResolver.PortVariable), Variable(InClusterResolver.PodNamespaceVariable),
            Stamp("token"), Stamp("ca.crt"), Stamp("namespace"));
    }

    private static ResolvedEndpoint Resolve(IReadOnlyDictionary<string, string?> environment, string? serviceAccountPath,
        Uri? apiServer, bool skipCertificateCheck, TimeProvider? clock)
    {
        var endpoint = InClusterResolver.Resolve(environment, serviceAccountPath, clock, apiServer);
        if (skipCertificateCheck)
        {
            return endpoint with
            {
                InsecureSkipTlsVerify = true,
                Findings = EndpointFindings.Evaluate(endpoint.Server, true, endpoint.Credentials.CertificateAuthorityData is not null,
                    endpoint.Authentication, (clock ?? TimeProvider.System).GetUtcNow()),
            };
        }
        if (endpoint.Credentials.CertificateAuthorityData is null)
        {
            var caFile = Path.Combine(endpoint.SourceFile!, "ca.crt");
            throw CertificateMaterial.Invalid(caFile,
                "the file is missing, and the API server is verified against the pod's CA alone, never the system roots");
        }
        return endpoint;
    }

    /// <summary>Reads the directory and the token's claims.</summary>
    public static ServiceAccountContext Read(IReadOnlyDictionary<string, string?> environment, string? serviceAccountPath,
        Uri? apiServer = null, bool skipCertificateCheck = false, TimeProvider? clock = null)
    {
        var endpoint = ResolveEndpoint(environment, serviceAccountPath, apiServer, skipCertificateCheck, clock);
        var directory = endpoint.SourceFile!;
        var tokenFile = Path.Combine(directory, "token");
        string jwt;
        try
        {
            jwt = LocalFile.ReadAllText(tokenFile, LocalFileKind.Token);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new K8sCommException(FailureReason.TokenFileUnreadable,
                $"The token file '{tokenFile}' can't be read: {e.Message}", tokenFile, [tokenFile], e);
        }

        var caFile = Path.Combine(directory, "ca.crt");
        return new ServiceAccountContext
        {
            ApiServer = endpoint.Server,
            Namespace = endpoint.Namespace,
            NamespaceSource = environment.TryGetValue(InClusterResolver.PodNamespaceVariable, out var fromEnvironment) && !string.IsNullOrEmpty(fromEnvironment)
                ? NamespaceSource.Environment
                : HasNamespaceFile(directory) ? NamespaceSource.File : NamespaceSource.Default,
            Directory = directory,
            TokenFile = tokenFile,
            Token = ServiceAccountToken.Read(jwt),
            CertificateAuthorityFile = File.Exists(caFile) ? caFile : null,
            CertificateAuthority = endpoint.CertificateAuthority.Certificate,
            Endpoint = endpoint,
        };
    }

    private static bool HasNamespaceFile(string directory)
    {
        var file = Path.Combine(directory, "namespace");
        return File.Exists(file) && LocalFile.ReadAllText(file, LocalFileKind.Token).Trim().Length > 0;
    }
}
