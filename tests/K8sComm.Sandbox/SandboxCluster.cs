using System.Security.Cryptography;
using K8sComm.Sandbox.ApiServer;
using K8sComm.Sandbox.Backends;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Files;
using K8sComm.Sandbox.Kubelets;
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
    private readonly KubeletFleet? _fleet; // none for a cluster without nodes
    private readonly ProxyForwarder _proxy;
    private readonly bool _ownsWorkDirectory;
    private int _disposed;

    private SandboxCluster(SandboxOptions options, ClusterPki pki, string adminToken, ApiServerHost apiServer,
        KubeletFleet? fleet, EchoBackends backends, ProxyForwarder proxy, ClusterState state, ApiServerPolicy policy,
        string workDirectory, bool ownsWorkDirectory)
    {
        Options = options;
        Pki = pki;
        AdminToken = adminToken;
        _apiServer = apiServer;
        _fleet = fleet;
        Backends = backends;
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

    /// <summary>Every request that reached the API server (method, path and query, user), in order.</summary>
    public RequestLog Requests { get; } = new();

    /// <summary>TLS handshakes the API server has accepted: one per client connection.</summary>
    public int ApiServerHandshakes => _apiServer.TlsHandshakes;

    /// <summary>The pod the service-account directory's token is bound to (a projected token), and its node.</summary>
    public const string ServiceAccountPodName = "toolbox-0";

    public Uri ApiServerUri => _apiServer.Uri;
    public int ApiServerPort => _apiServer.Port;
    public string CaCertificatePem => Pki.CaCertificatePem;
    /// <summary>A static bearer token for sandbox-admin (system:masters).</summary>
    public string AdminToken { get; }
    public string WorkDirectory { get; }
    public SandboxFiles Files { get; private set; } = null!;

    /// <summary>The kubelets, one per node (node-0, node-1, ...).</summary>
    public IReadOnlyList<SandboxKubelet> Kubelets => _fleet?.Kubelets ?? [];

    /// <summary>The CA that signed WrongCa kubelet certificates (not trusted by the cluster); null without nodes.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? UntrustedKubeletCa => _fleet?.UntrustedCa;

    /// <summary>The HTTP and HTTPS echo servers behind the default/echo service and the echo-0 pod.</summary>
    public EchoBackends Backends { get; }

    /// <summary>KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT as a pod would see them.</summary>
    public IReadOnlyDictionary<string, string> InClusterEnvironment => new Dictionary<string, string>
    {
        ["KUBERNETES_SERVICE_HOST"] = _apiServer.Address.ToString(),
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
        var pki = ClusterPki.Create(options.Keys);
        var adminToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var proxy = new ProxyForwarder(pki.KubeletClientCertificate, policy.VerifiesKubeletCertificates ? pki.CertificateAuthority : null);
        var faults = options.ApiServerFaults;
        var kubeletPostures = KubeletPostures(options);
        Task<ApiServerHost>? apiServerStart = null;
        Task<KubeletFleet?>? fleetStart = null;
        Task<EchoBackends>? backendsStart = null;
        try
        {
            // The three hosts are independent: start them side by side.
            apiServerStart = ApiServerHost.StartAsync(pki.ApiServerCertificate,
                options.IPv6 ? System.Net.IPAddress.IPv6Loopback : System.Net.IPAddress.Loopback,
                faults is null ? null : listen => listen.UseFaults(() => faults),
                faults is null ? null : app => app.UseFaults(_ => faults),
                cancellationToken);
            fleetStart = StartFleet(pki, kubeletPostures, cancellationToken);
            backendsStart = EchoBackends.StartAsync(new EchoBackendOptions { Issuer = pki.CertificateAuthority }, cancellationToken);
            await Task.WhenAll(apiServerStart, fleetStart, backendsStart);
            var (apiServer, fleet, backends) = (apiServerStart.Result, fleetStart.Result, backendsStart.Result);

            var layout = new ClusterLayout(apiServer.Port, policy)
            {
                ApiServerAddress = apiServer.Address.ToString(),
                Nodes = (fleet?.Kubelets ?? []).Select(k => new NodeLayout(k.NodeName, k.Port, k.ReadOnlyPort)).ToList(),
                EchoHttpPort = backends.HttpPort,
                EchoHttpsPort = backends.HttpsPort,
                ServiceAccounts = [(options.ServiceAccountNamespace, options.ServiceAccountName)],
            };
            var state = ClusterSeed.Build(layout);
            var cluster = new SandboxCluster(options, pki, adminToken, apiServer, fleet, backends, proxy, state, policy,
                workDirectory, ownsWorkDirectory);
            var handler = new ApiRequestHandler(state,
                new Authenticator(pki, adminToken, policy.Anonymous), new Authorizer(policy), proxy, apiServer.Authority,
                cluster.Requests, options.SelfSubjectReviewVersions);
            apiServer.Attach(handler.HandleAsync);
            cluster.Files = SandboxFileWriter.Write(workDirectory, new ClusterAccess(cluster.ApiServerUri, pki, adminToken,
                options.ServiceAccountNamespace, options.ServiceAccountName, cluster.IssuePodToken(TimeSpan.FromDays(1))));
            return cluster;
        }
        catch
        {
            await StopStarted(apiServerStart);
            await StopStarted(fleetStart);
            await StopStarted(backendsStart);
            proxy.Dispose();
            pki.Dispose();
            DeleteWorkDirectory(workDirectory, ownsWorkDirectory);
            throw;
        }
    }

    /// <summary>Explicit per-node postures decide the node count; otherwise the posture's default for each of NodeCount nodes.</summary>
    private static IReadOnlyList<KubeletPosture> KubeletPostures(SandboxOptions options) =>
        options.KubeletPostures ?? Enumerable.Range(0, options.NodeCount)
            .Select(i => options.Posture == SandboxPosture.Secure ? KubeletPosture.Secure : KubeletPosture.Insecure(i))
            .ToList();

    /// <summary>A fleet with no kubelets would leave Kestrel to pick its default address, so none is started.</summary>
    private static async Task<KubeletFleet?> StartFleet(ClusterPki pki, IReadOnlyList<KubeletPosture> postures, CancellationToken cancellationToken) =>
        postures.Count == 0
            ? null
            : await KubeletFleet.StartAsync(new KubeletFleetOptions
            {
                ClusterCa = pki.CertificateAuthority,
                Specs = postures.Select((posture, i) => new KubeletSpec($"node-{i}", posture)).ToList(),
            }, cancellationToken);

    private static async Task StopStarted<T>(Task<T>? start) where T : IAsyncDisposable?
    {
        if (start is null) return;
        try
        {
            if (await start is { } started) await started.DisposeAsync();
        }
        catch
        {
            // It never started, or stopping failed too; the original error is what matters.
        }
    }

    /// <summary>A JWT for system:serviceaccount:NS:NAME, signed by the cluster's service-account key.</summary>
    public string IssueServiceAccountToken(string ns, string name) => Pki.ServiceAccountTokens.Issue(ns, name);

    /// <summary>A projected token for the sandbox's service account, bound to <see cref="ServiceAccountPodName"/>.</summary>
    private string IssuePodToken(TimeSpan lifetime) => Pki.ServiceAccountTokens.Issue(Options.ServiceAccountNamespace,
        Options.ServiceAccountName, lifetime, (ServiceAccountPodName, Kubelets.Count > 0 ? Kubelets[0].NodeName : "node-0"));

    /// <summary>
    /// What the kubelet does to a projected token, then what a cluster does to the old one: writes a new
    /// bound token into the service-account directory (a new file moved into place, so a reader sees the
    /// old or the new token, never half of one) and revokes the token it replaced.
    /// </summary>
    public void RotateServiceAccountToken()
    {
        var tokenFile = Path.Combine(Files.ServiceAccountDirectory, "token");
        var old = File.ReadAllText(tokenFile).Trim();
        var fresh = Path.Combine(Files.ServiceAccountDirectory, $".token-{Guid.NewGuid():N}");
        SandboxFileWriter.WriteSecret(fresh, IssuePodToken(TimeSpan.FromDays(1)));
        File.Move(fresh, tokenFile, overwrite: true);
        RevokeServiceAccountToken(old);
    }

    /// <summary>Adds running pods (named PREFIX-0, PREFIX-1, ...) to a namespace; watches see them arrive.</summary>
    public void AddPods(string ns, int count, string prefix = "worker")
    {
        var node = Kubelets.Count > 0 ? Kubelets[0].NodeName : null;
        var start = State.List("pods", ns).Count(p => ClusterState.Name(p).StartsWith(prefix + "-", StringComparison.Ordinal));
        for (var i = start; i < start + count; i++) State.Add("pods", ClusterSeed.WorkloadPod(ns, $"{prefix}-{i}", node));
    }

    /// <summary>From now on the API server answers this token with 401.</summary>
    public void RevokeServiceAccountToken(string jwt) => Pki.ServiceAccountTokens.Revoke(jwt);

    /// <summary>Writes a token/ca.crt/namespace directory for another service account (inside the work directory).</summary>
    public string WriteServiceAccountDirectory(string ns, string name) =>
        SandboxFileWriter.WriteServiceAccountDirectory(Path.Combine(WorkDirectory, "serviceaccount", "extra", $"{ns}.{name}"),
            CaCertificatePem, ns, IssueServiceAccountToken(ns, name));

    public override string ToString() =>
        $"sandbox cluster {ApiServerUri} ({Options.Posture}, {Kubelets.Count} node(s), files in {WorkDirectory})";

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await Task.WhenAll(_apiServer.DisposeAsync().AsTask(), _fleet?.DisposeAsync().AsTask() ?? Task.CompletedTask, Backends.DisposeAsync().AsTask());
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
