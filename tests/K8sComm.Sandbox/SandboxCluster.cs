using System.Security.Cryptography;
using K8sComm.Sandbox.ApiServer;
using K8sComm.Sandbox.Files;
using K8sComm.Sandbox.Pki;

namespace K8sComm.Sandbox;

/// <summary>
/// A loopback Kubernetes cluster for tests and for people: a real-TLS API server, kubelets and echo backends,
/// with fresh PKI and client files. <c>await using</c> it: disposing frees every port and deletes every file it wrote.
/// </summary>
public sealed class SandboxCluster : IAsyncDisposable
{
    private static readonly string[] OwnedSubdirectories = ["pki", "split", "serviceaccount", "kubectl-cache"];

    private readonly ApiServerHost _apiServer;
    private readonly ProxyForwarder _proxy;
    private readonly bool _ownsWorkDirectory;
    private int _disposed;

    private SandboxCluster(SandboxOptions options, ClusterPki pki, string adminToken, ApiServerHost apiServer,
        ProxyForwarder proxy, ClusterState state, ApiServerPolicy policy, string workDirectory, bool ownsWorkDirectory)
    {
        Options = options;
        Pki = pki;
        AdminToken = adminToken;
        _apiServer = apiServer;
        _proxy = proxy;
        State = state;
        Policy = policy;
        WorkDirectory = workDirectory;
        _ownsWorkDirectory = ownsWorkDirectory;
    }

    public SandboxOptions Options { get; }
    public ClusterPki Pki { get; }
    public ApiServerPolicy Policy { get; }
    internal ClusterState State { get; }

    public Uri ApiServerUri => _apiServer.Uri;
    public int ApiServerPort => _apiServer.Port;
    public string CaCertificatePem => Pki.CaCertificatePem;
    /// <summary>A static bearer token for sandbox-admin (system:masters).</summary>
    public string AdminToken { get; }
    public string WorkDirectory { get; }
    public SandboxFiles Files { get; private set; } = null!;

    /// <summary>KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT as a pod would see them.</summary>
    public IReadOnlyDictionary<string, string> InClusterEnvironment => new Dictionary<string, string>
    {
        ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
        ["KUBERNETES_SERVICE_PORT"] = ApiServerPort.ToString(),
        ["KUBERNETES_SERVICE_PORT_HTTPS"] = ApiServerPort.ToString(),
    };

    public static async Task<SandboxCluster> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.NodeCount);
        var ownsWorkDirectory = options.WorkDirectory is null;
        var workDirectory = Path.GetFullPath(options.WorkDirectory ?? Directory.CreateTempSubdirectory("k8scomm-sandbox-").FullName);

        var policy = ApiServerPolicy.For(options);
        var pki = ClusterPki.Create();
        var adminToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var proxy = new ProxyForwarder(pki.KubeletClientCertificate, policy.VerifiesKubeletCertificates ? pki.CertificateAuthority : null);
        ApiServerHost? apiServer = null;
        try
        {
            apiServer = await ApiServerHost.StartAsync(pki.ApiServerCertificate, cancellationToken: cancellationToken);
            var layout = new ClusterLayout(apiServer.Port, policy)
            {
                Nodes = Enumerable.Range(0, options.NodeCount).Select(i => new NodeLayout($"node-{i}", 0)).ToList(),
                ServiceAccounts = [(options.ServiceAccountNamespace, options.ServiceAccountName)],
            };
            var state = ClusterSeed.Build(layout);
            var handler = new ApiRequestHandler(state,
                new Authenticator(pki, adminToken, policy.Anonymous), new Authorizer(policy), proxy, apiServer.Port);
            apiServer.Attach(handler.HandleAsync);

            var cluster = new SandboxCluster(options, pki, adminToken, apiServer, proxy, state, policy, workDirectory, ownsWorkDirectory);
            cluster.Files = SandboxFileWriter.Write(workDirectory, new ClusterAccess(cluster.ApiServerUri, pki, adminToken,
                options.ServiceAccountNamespace, options.ServiceAccountName,
                pki.ServiceAccountTokens.Issue(options.ServiceAccountNamespace, options.ServiceAccountName, TimeSpan.FromDays(1))));
            return cluster;
        }
        catch
        {
            if (apiServer is not null) await apiServer.DisposeAsync();
            proxy.Dispose();
            pki.Dispose();
            DeleteWorkDirectory(workDirectory, ownsWorkDirectory);
            throw;
        }
    }

    /// <summary>A JWT for system:serviceaccount:NS:NAME, signed by the cluster's service-account key.</summary>
    public string IssueServiceAccountToken(string ns, string name) => Pki.ServiceAccountTokens.Issue(ns, name);

    /// <summary>From now on the API server answers this token with 401.</summary>
    public void RevokeServiceAccountToken(string jwt) => Pki.ServiceAccountTokens.Revoke(jwt);

    /// <summary>Writes a token/ca.crt/namespace directory for another service account (inside the work directory).</summary>
    public string WriteServiceAccountDirectory(string ns, string name) =>
        SandboxFileWriter.WriteServiceAccountDirectory(Path.Combine(WorkDirectory, "serviceaccount", "extra", $"{ns}.{name}"),
            CaCertificatePem, ns, IssueServiceAccountToken(ns, name));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await _apiServer.DisposeAsync();
        }
        finally
        {
            _proxy.Dispose();
            Pki.Dispose();
            DeleteWorkDirectory(WorkDirectory, _ownsWorkDirectory, Files);
        }
    }

    private static void DeleteWorkDirectory(string directory, bool owned, SandboxFiles? files = null)
    {
        if (!Directory.Exists(directory)) return;
        if (owned)
        {
            Directory.Delete(directory, recursive: true);
            return;
        }

        // A directory the caller gave us stays; only what we wrote goes.
        if (files is not null)
        {
            foreach (var file in new[] { files.CaBundle, files.CertificateKubeconfig, files.TokenKubeconfig,
                         files.InsecureKubeconfig, files.MultiContextKubeconfig })
            {
                File.Delete(file);
            }
        }

        foreach (var sub in OwnedSubdirectories.Select(s => Path.Combine(directory, s)).Where(Directory.Exists))
        {
            Directory.Delete(sub, recursive: true);
        }
    }
}
