using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Kubelets;
using K8sComm.Sandbox.Pki;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>The API server's answers on the wire: Status bodies, authentication, authorization, bad input.</summary>
public sealed class ApiServerTests(SecureClusterFixture fixture) : IClassFixture<SecureClusterFixture>
{
    private SandboxCluster Cluster => fixture.Cluster;

    private static void AssertStatus(JsonObject? body, int code, string reason)
    {
        Assert.NotNull(body);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        Assert.Equal("v1", body["apiVersion"]!.GetValue<string>());
        Assert.IsType<JsonObject>(body["metadata"]);
        Assert.Equal("Failure", body["status"]!.GetValue<string>());
        Assert.Equal(reason, body["reason"]!.GetValue<string>());
        Assert.Equal(code, body["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(body["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task NoCredentialsOnASecureClusterIs401Status()
    {
        using var client = ApiClient.Create(Cluster);
        var (code, body, contentType) = await ApiClient.GetJsonAsync(client, "/api/v1/pods");
        Assert.Equal(401, code);
        Assert.StartsWith("application/json", contentType);
        AssertStatus(body, 401, "Unauthorized");
    }

    [Fact]
    public async Task ServiceAccountOutsideItsNamespaceIs403StatusNamingTheUser()
    {
        using var client = ApiClient.Create(Cluster, Cluster.IssueServiceAccountToken("team-a", "reader"));
        var (code, body, _) = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/kube-system/pods");
        Assert.Equal(403, code);
        AssertStatus(body, 403, "Forbidden");
        Assert.Contains("system:serviceaccount:team-a:reader", body!["message"]!.GetValue<string>());
        Assert.Equal("pods", body["details"]!["kind"]!.GetValue<string>());

        var own = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/team-a/pods");
        Assert.Equal(200, own.Code);
        Assert.Equal("PodList", own.Body!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownObjectIs404StatusWithDetails()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var (code, body, _) = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods/no-such-pod");
        Assert.Equal(404, code);
        AssertStatus(body, 404, "NotFound");
        Assert.Equal("pods \"no-such-pod\" not found", body!["message"]!.GetValue<string>());
        Assert.Equal("no-such-pod", body["details"]!["name"]!.GetValue<string>());

        var path = await ApiClient.GetJsonAsync(client, "/apis/apps/v1/deployments");
        AssertStatus(path.Body, 404, "NotFound");
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCaIsRejected()
    {
        using var foreignCa = CertificateFactory.CreateAuthority("some-other-ca");
        using var impostor = CertificateFactory.Issue(foreignCa,
            new CertificateSpec("CN=sandbox-admin, O=system:masters") { ClientAuth = true });
        using var client = ApiClient.Create(Cluster, clientCertificate: impostor);
        var (code, body, _) = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces");
        Assert.Equal(401, code);
        AssertStatus(body, 401, "Unauthorized");
    }

    [Fact]
    public async Task ClusterIssuedClientCertificateIsTheUserAndGroups()
    {
        using var client = ApiClient.Create(Cluster, clientCertificate: Cluster.Pki.AdminClientCertificate);
        using var response = await client.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            new StringContent("""{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1"}""", Encoding.UTF8, "application/json"));
        var (code, body, _) = await ApiClient.Read(response);
        Assert.Equal(201, code);
        Assert.Equal("sandbox-admin", body!["status"]!["userInfo"]!["username"]!.GetValue<string>());
        Assert.Contains("system:masters", body["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task RevokedServiceAccountTokenIs401()
    {
        var token = Cluster.IssueServiceAccountToken("default", "default");
        using var client = ApiClient.Create(Cluster, token);
        Assert.Equal(200, (await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods")).Code);

        Cluster.RevokeServiceAccountToken(token);
        var (code, body, _) = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods");
        Assert.Equal(401, code);
        AssertStatus(body, 401, "Unauthorized");

        // Only that token: a fresh one for the same account still works.
        using var fresh = ApiClient.Create(Cluster, Cluster.IssueServiceAccountToken("default", "default"));
        Assert.Equal(200, (await ApiClient.GetJsonAsync(fresh, "/api/v1/namespaces/default/pods")).Code);
    }

    [Fact]
    public async Task TamperedOrForeignTokensAre401()
    {
        var token = Cluster.IssueServiceAccountToken("default", "default");
        var parts = token.Split('.');
        var claims = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))))
            .Replace("system:serviceaccount:default:default", "system:serviceaccount:kube-system:default");
        var forged = parts[0] + "." + Convert.ToBase64String(Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];
        using var foreignIssuer = new ServiceAccountTokenIssuer(KeyKind.EcdsaP256);

        foreach (var bad in new[] { forged, foreignIssuer.Issue("default", "default"), "not-a-token", "a.b.c" })
        {
            using var client = ApiClient.Create(Cluster, bad);
            Assert.Equal(401, (await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods")).Code);
        }
    }

    private static string Pad(string text) => text + new string('=', (4 - text.Length % 4) % 4);

    [Fact]
    public async Task MalformedRequestsGetBadRequestStatusAndTheServerKeepsServing()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var selector = await ApiClient.GetJsonAsync(client, "/api/v1/pods?labelSelector=app%20in%20(a,");
        Assert.Equal(400, selector.Code);
        AssertStatus(selector.Body, 400, "BadRequest");

        var field = await ApiClient.GetJsonAsync(client, "/api/v1/pods?fieldSelector=spec.secret%3Dx");
        AssertStatus(field.Body, 400, "BadRequest");

        using var json = await client.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(422, (int)json.StatusCode);
        AssertStatus((await ApiClient.Read(json)).Body, 422, "Invalid");

        var garbage = new ByteArrayContent([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        using var proto = await client.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews", garbage);
        AssertStatus((await ApiClient.Read(proto)).Body, 400, "BadRequest");

        using var delete = await client.DeleteAsync("/api/v1/namespaces/default/pods/echo-0");
        AssertStatus((await ApiClient.Read(delete)).Body, 405, "MethodNotAllowed");

        var proxy = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/services/ftp:echo:http/proxy/");
        AssertStatus(proxy.Body, 400, "BadRequest");

        Assert.Equal(200, (await ApiClient.GetJsonAsync(client, "/version")).Code);
    }

    [Fact]
    public async Task SelfSubjectAccessReviewAnswersForTheCaller()
    {
        using var client = ApiClient.Create(Cluster, Cluster.IssueServiceAccountToken("default", "default"));
        async Task<bool> Allowed(string ns)
        {
            var review = new JsonObject
            {
                ["apiVersion"] = "authorization.k8s.io/v1",
                ["kind"] = "SelfSubjectAccessReview",
                ["spec"] = new JsonObject { ["resourceAttributes"] = new JsonObject { ["namespace"] = ns, ["verb"] = "list", ["resource"] = "pods" } },
            }.ToJsonString();
            using var response = await client.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                new StringContent(review, Encoding.UTF8, "application/json"));
            var (code, body, _) = await ApiClient.Read(response);
            Assert.Equal(201, code);
            return body!["status"]!["allowed"]!.GetValue<bool>();
        }

        Assert.True(await Allowed("default"));
        Assert.False(await Allowed("kube-system"));
    }

    [Fact]
    public async Task DiscoveryAndHealthDocuments()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var api = await ApiClient.GetJsonAsync(client, "/api",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        Assert.Equal("APIVersions", api.Body!["kind"]!.GetValue<string>());
        Assert.StartsWith("application/json", api.ContentType);
        Assert.DoesNotContain("apidiscovery", api.ContentType); // so clients fall back to the legacy documents
        Assert.Equal($"127.0.0.1:{Cluster.ApiServerPort}", api.Body["serverAddressByClientCIDRs"]![0]!["serverAddress"]!.GetValue<string>());

        var resources = await ApiClient.GetJsonAsync(client, "/api/v1");
        var names = resources.Body!["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Superset(new HashSet<string> { "namespaces", "nodes", "pods", "services", "serviceaccounts", "pods/proxy", "services/proxy", "nodes/proxy" },
            names.ToHashSet());

        var groups = await ApiClient.GetJsonAsync(client, "/apis");
        Assert.Equal(["authentication.k8s.io", "authorization.k8s.io"],
            groups.Body!["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Order());

        foreach (var health in new[] { "/healthz", "/livez", "/readyz" })
        {
            Assert.Equal("ok", await client.GetStringAsync(health));
            var verbose = await client.GetStringAsync(health + "?verbose");
            Assert.Contains("[+]ping ok", verbose);
            Assert.EndsWith($"{health.TrimStart('/')} check passed\n", verbose);
        }
    }

    [Fact]
    public async Task TableOutputForKubectlGet()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var (code, body, _) = await ApiClient.GetJsonAsync(client, "/api/v1/services",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal(200, code);
        Assert.Equal("Table", body!["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", body["apiVersion"]!.GetValue<string>());
        Assert.Equal("Name", body["columnDefinitions"]![0]!["name"]!.GetValue<string>());
        var rows = body["rows"]!.AsArray();
        Assert.Contains(rows, r => r!["cells"]![0]!.GetValue<string>() == "kube-dns"
                                   && r["object"]!["metadata"]!["namespace"]!.GetValue<string>() == "kube-system");
    }

    [Fact]
    public async Task ListsFilterByLabelAndNamespace()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var clusterServices = await ApiClient.GetJsonAsync(client, "/api/v1/services?labelSelector=kubernetes.io%2Fcluster-service%3Dtrue");
        var items = clusterServices.Body!["items"]!.AsArray();
        Assert.Equal(["kube-dns", "metrics-server", "kubernetes-dashboard", "ingress-gateway", "registry-lb"],
            items.Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.All(items, i => Assert.Equal("kube-system", i!["metadata"]!["namespace"]!.GetValue<string>()));

        var notDns = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app!%3Dkube-dns,component");
        Assert.Equal("kube-apiserver-node-0", Assert.Single(notDns.Body!["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());

        var defaults = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/services");
        Assert.All(defaults.Body!["items"]!.AsArray(), s => Assert.Equal("default", s!["metadata"]!["namespace"]!.GetValue<string>()));

        var onNode = await ApiClient.GetJsonAsync(client, "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-0,status.phase!%3DFailed,metadata.namespace%3Ddefault");
        Assert.Equal("echo-0", Assert.Single(onNode.Body!["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());
        var elsewhere = await ApiClient.GetJsonAsync(client, "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1");
        Assert.Empty(elsewhere.Body!["items"]!.AsArray());

        var kubernetes = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/services/kubernetes");
        Assert.Equal(Cluster.ApiServerPort, kubernetes.Body!["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task PodAndServiceProxiesForwardToTheEchoBackends()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var http = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/services/echo:http/proxy/a%20b/c?q=1");
        Assert.Equal("http", http.Body!["backend"]!.GetValue<string>());
        Assert.Equal("/a%20b/c?q=1", http.Body["rawPath"]!.GetValue<string>());

        var https = await ApiClient.GetJsonAsync(client, $"/api/v1/namespaces/default/pods/https:echo-0:{Cluster.Backends.HttpsPort}/proxy/x");
        Assert.Equal("https", https.Body!["backend"]!.GetValue<string>());

        using var post = await client.PostAsync("/api/v1/namespaces/default/services/echo:80/proxy/upload",
            new StringContent("twelve bytes", Encoding.UTF8, "text/plain"));
        var echoed = (await ApiClient.Read(post)).Body!;
        Assert.Equal("POST", echoed["method"]!.GetValue<string>());
        Assert.Equal(12, echoed["bodyBytes"]!.GetValue<int>());

        var missing = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/services/nope/proxy/");
        AssertStatus(missing.Body, 404, "NotFound");
        var noEndpoints = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy/");
        AssertStatus(noEndpoints.Body, 503, "ServiceUnavailable");
    }

    [Fact]
    public async Task MirrorPodShowsTheSecurePostureFlags()
    {
        using var client = ApiClient.Create(Cluster, Cluster.AdminToken);
        var pod = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/kube-system/pods/kube-apiserver-node-0");
        var command = pod.Body!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("--anonymous-auth=false", command);
        Assert.Contains("--authorization-mode=Node,RBAC", command);
        Assert.Contains(command, c => c.StartsWith("--kubelet-certificate-authority=", StringComparison.Ordinal));
        Assert.Contains(command, c => c.StartsWith("--kubelet-client-certificate=", StringComparison.Ordinal));
        Assert.Contains(command, c => c.StartsWith("--egress-selector-config-file=", StringComparison.Ordinal));
        Assert.Contains(command, c => c.StartsWith("--service-account-issuer=", StringComparison.Ordinal));

        var agents = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkonnectivity-agent");
        Assert.Single(agents.Body!["items"]!.AsArray());
    }
}

/// <summary>Behaviour that needs a cluster of its own: anonymous modes, the insecure posture, faults, kubelet verification.</summary>
public sealed class ApiServerPostureTests
{
    [Theory]
    [InlineData(AnonymousMode.Rejected, 401, 401)]
    [InlineData(AnonymousMode.DeniedByAuthorization, 200, 403)]
    [InlineData(AnonymousMode.Allowed, 200, 200)]
    public async Task AnonymousModes(AnonymousMode mode, int versionCode, int podsCode)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 0, AnonymousAuth = mode });
        using var client = ApiClient.Create(cluster);
        // /version is public information (system:public-info-viewer) once anonymous requests are admitted at all.
        Assert.Equal(versionCode, (await ApiClient.GetJsonAsync(client, "/version")).Code);
        var pods = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods");
        Assert.Equal(podsCode, pods.Code);
        if (podsCode == 403)
        {
            Assert.Contains("system:anonymous", pods.Body!["message"]!.GetValue<string>());
        }

        var review = await client.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            new StringContent("{}", Encoding.UTF8, "application/json"));
        if (mode == AnonymousMode.Allowed)
        {
            var body = (await ApiClient.Read(review)).Body!;
            Assert.Equal("system:anonymous", body["status"]!["userInfo"]!["username"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task InsecurePostureShowsItsWeaknesses()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = SandboxPosture.Insecure, NodeCount = 2 });
        using var anonymous = ApiClient.Create(cluster);
        var pod = await ApiClient.GetJsonAsync(anonymous, "/api/v1/namespaces/kube-system/pods/kube-apiserver-node-0");
        Assert.Equal(200, pod.Code); // anonymous and AlwaysAllow
        var command = pod.Body!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("--anonymous-auth=true", command);
        Assert.Contains("--authorization-mode=AlwaysAllow", command);
        Assert.DoesNotContain(command, c => c.StartsWith("--kubelet-certificate-authority", StringComparison.Ordinal));
        Assert.DoesNotContain(command, c => c.StartsWith("--egress-selector-config-file", StringComparison.Ordinal));

        var agents = await ApiClient.GetJsonAsync(anonymous, "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkonnectivity-agent");
        Assert.Empty(agents.Body!["items"]!.AsArray());

        // Kubelet certificates are weak and not verified: the node proxy still gets through.
        Assert.Equal(KubeletCertificateKind.SelfSigned, cluster.Kubelets[0].Posture.Certificate);
        var configz = await ApiClient.GetJsonAsync(anonymous, "/api/v1/nodes/node-0/proxy/configz");
        Assert.Equal(200, configz.Code);
        Assert.NotNull(cluster.Kubelets[0].ReadOnlyPort);
    }

    [Fact]
    public async Task SecureApiServerRefusesAKubeletWhoseCertificateItCannotVerify()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            KubeletPostures = [new KubeletPosture(), new KubeletPosture(KubeletCertificateKind.WrongCa)],
        });
        Assert.Equal(2, cluster.Kubelets.Count);
        using var admin = ApiClient.Create(cluster, cluster.AdminToken);
        Assert.Equal(200, (await ApiClient.GetJsonAsync(admin, "/api/v1/nodes/node-0/proxy/healthz")).Code);
        var refused = await ApiClient.GetJsonAsync(admin, "/api/v1/nodes/node-1/proxy/healthz");
        Assert.Equal(503, refused.Code);
        Assert.Equal("ServiceUnavailable", refused.Body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApiServerFaultsApplyToItsRequests()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            NodeCount = 0,
            ApiServerFaults = new FaultPlan(FaultMode.ServerError, PathPrefix: "/api/"),
        });
        using var admin = ApiClient.Create(cluster, cluster.AdminToken);
        Assert.Equal(200, (await ApiClient.GetJsonAsync(admin, "/version")).Code);
        var failed = await ApiClient.GetJsonAsync(admin, "/api/v1/namespaces");
        Assert.Equal(500, failed.Code);
    }
}

public sealed class KonnectivityOverrideTests
{
    [Theory]
    [InlineData(SandboxPosture.Secure, false)]
    [InlineData(SandboxPosture.Insecure, true)]
    public async Task KonnectivityAgentOverrideDecidesTheEgressSelector(SandboxPosture posture, bool agent)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { Posture = posture, NodeCount = 0, KonnectivityAgent = agent });
        using var admin = ApiClient.Create(cluster, cluster.AdminToken);
        var agents = await ApiClient.GetJsonAsync(admin, "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkonnectivity-agent");
        Assert.Equal(agent ? 1 : 0, agents.Body!["items"]!.AsArray().Count);
        var apiServer = await ApiClient.GetJsonAsync(admin, "/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver");
        var command = apiServer.Body!["items"]![0]!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => c!.GetValue<string>());
        Assert.Equal(agent, command.Any(c => c.StartsWith("--egress-selector-config-file=", StringComparison.Ordinal)));
    }
}

public sealed class RsaClusterTests
{
    [SkippableFact]
    public async Task RsaClusterServesKubectlAndRs256Tokens()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1, Keys = K8sComm.Sandbox.Pki.KeyKind.Rsa2048 });
        Assert.NotNull(cluster.Pki.ApiServerCertificate.GetRSAPublicKey());
        Assert.Equal("RS256", cluster.Pki.ServiceAccountTokens.Algorithm);
        using var sa = ApiClient.Create(cluster, cluster.IssueServiceAccountToken("default", "default"));
        Assert.Equal(200, (await ApiClient.GetJsonAsync(sa, "/api/v1/namespaces/default/pods")).Code);

        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        var result = await Kubectl.RunAsync(cluster, cluster.Files.CertificateKubeconfig, "auth", "whoami", "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("sandbox-admin", result.Output);
    }
}

public sealed class IPv6ClusterTests
{
    [SkippableFact]
    public async Task ApiServerOnIPv6LoopbackIsReachableByItsBracketedAddress()
    {
        Skip.IfNot(System.Net.Sockets.Socket.OSSupportsIPv6, "this machine has no IPv6 loopback");
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1, IPv6 = true });
        Assert.Equal($"https://[::1]:{cluster.ApiServerPort}/", cluster.ApiServerUri.ToString());
        Assert.Equal("::1", cluster.InClusterEnvironment["KUBERNETES_SERVICE_HOST"]);
        Assert.Contains($"server: \"https://[::1]:{cluster.ApiServerPort}\"", File.ReadAllText(cluster.Files.TokenKubeconfig));

        using var admin = ApiClient.Create(cluster, cluster.AdminToken);
        var api = await ApiClient.GetJsonAsync(admin, "/api");
        Assert.Equal($"[::1]:{cluster.ApiServerPort}", api.Body!["serverAddressByClientCIDRs"]![0]!["serverAddress"]!.GetValue<string>());

        Skip.If(Kubectl.Path is null, Kubectl.MissingReason);
        var version = await Kubectl.RunAsync(cluster, cluster.Files.CertificateKubeconfig, "get", "--raw", "/version");
        Assert.True(version.ExitCode == 0, version.ToString());
    }
}
