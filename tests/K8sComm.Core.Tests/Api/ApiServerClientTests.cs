using System.Text;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tests.Tls;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Faults;
using Xunit;

namespace K8sComm.Core.Tests.Api;

public class ApiServerClientTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<SandboxCluster> StartAsync(FaultPlan? faults = null) =>
        SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1, ApiServerFaults = faults });

    [Fact]
    public async Task Talks_to_the_sandbox_with_the_client_certificate()
    {
        await using var cluster = await StartAsync();
        using var client = new ApiServerClient(Endpoints.Certificate(cluster));

        using var version = await client.GetJsonAsync("/version", None);
        using var namespaces = await client.GetJsonAsync("/api/v1/namespaces", None);

        Assert.StartsWith("v1.", version.RootElement.GetProperty("gitVersion").GetString());
        Assert.Equal("NamespaceList", namespaces.RootElement.GetProperty("kind").GetString());
        Assert.True(client.LastServerTrust!.Trusted);
        Assert.Equal(TrustSource.EndpointCertificateAuthority, client.LastServerTrust.Source);
    }

    [Fact]
    public async Task Talks_to_the_sandbox_with_a_bearer_token()
    {
        await using var cluster = await StartAsync();
        using var client = new ApiServerClient(Endpoints.Token(cluster));

        var review = await client.CreateAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            new k8s.Models.V1SelfSubjectReview { ApiVersion = "authentication.k8s.io/v1", Kind = "SelfSubjectReview" }, None);

        Assert.Equal("sandbox-admin", review.Status.UserInfo.Username);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused_before_anything_is_sent()
    {
        await using var cluster = await StartAsync();
        using var otherCa = TestPki.CreateCa("other-ca");
        using var client = new ApiServerClient(Endpoints.Token(cluster, ca: TestPki.PemBytes(otherCa)));

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/version", None));

        Assert.Equal(FailureReason.ServerCertificateUntrusted, error.Reason);
        Assert.Contains("not in the CA bundle", error.Message);
        Assert.DoesNotContain(cluster.AdminToken, error.ToString());
        Assert.False(client.LastServerTrust!.ChainTrusted);
    }

    [Fact]
    public async Task Without_a_ca_the_system_store_decides_and_does_not_know_the_sandbox()
    {
        await using var cluster = await StartAsync();
        var endpoint = Endpoints.For(cluster.ApiServerUri, new EndpointCredentials { BearerToken = cluster.AdminToken });
        using var client = new ApiServerClient(endpoint);

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/version", None));

        Assert.Equal(FailureReason.ServerCertificateUntrusted, error.Reason);
        Assert.Equal(TrustSource.SystemTrustStore, client.LastServerTrust!.Source);
        Assert.Contains("system trust store", error.Message);
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_accepts_the_server_and_still_reports_what_it_saw()
    {
        await using var cluster = await StartAsync();
        using var client = new ApiServerClient(Endpoints.Insecure(cluster));

        var response = await client.GetAsync("/api/v1/namespaces", None);

        Assert.True(response.IsSuccess);
        Assert.Equal(TrustSource.NotVerified, client.LastServerTrust!.Source);
        Assert.False(client.LastServerTrust.ChainTrusted); // no CA to verify against, and the system store doesn't know it
    }

    [Fact]
    public async Task Tls_server_name_is_the_name_checked_and_sent()
    {
        await using var cluster = await StartAsync();
        var ca = Endpoints.Ca(cluster);
        var matching = Endpoints.For(cluster.ApiServerUri, new EndpointCredentials { CertificateAuthorityData = ca, BearerToken = cluster.AdminToken },
            tlsServerName: "kubernetes.default.svc");
        var wrong = matching with { TlsServerName = "api.elsewhere.example" };
        using var good = new ApiServerClient(matching);
        using var bad = new ApiServerClient(wrong);

        Assert.True((await good.GetAsync("/version", None)).IsSuccess);
        var error = await Assert.ThrowsAsync<K8sCommException>(() => bad.GetAsync("/version", None));

        Assert.Equal("kubernetes.default.svc", good.LastServerTrust!.ServerName);
        Assert.Equal(FailureReason.ServerCertificateUntrusted, error.Reason);
        Assert.True(bad.LastServerTrust!.ChainTrusted);
        Assert.False(bad.LastServerTrust.NameMatches);
        Assert.Contains("api.elsewhere.example", error.Message);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/pods/nope", 404, "NotFound", FailureReason.ApiNotFound)]
    [InlineData("/api/v1/nodes", 403, "Forbidden", FailureReason.ApiForbidden)]
    public async Task Status_bodies_become_typed_errors(string path, int code, string reason, FailureReason failure)
    {
        await using var cluster = await StartAsync();
        var serviceAccountToken = cluster.IssueServiceAccountToken("default", "default");
        using var client = new ApiServerClient(Endpoints.Token(cluster, serviceAccountToken));

        var error = await Assert.ThrowsAsync<ApiStatusException>(() => client.GetJsonAsync(path, None));

        Assert.Equal(code, error.Code);
        Assert.Equal(reason, error.StatusReason);
        Assert.Equal(failure, error.Reason);
        Assert.Equal(path, error.Path);
        Assert.DoesNotContain(serviceAccountToken, error.ToString());
    }

    [Fact]
    public async Task A_revoked_token_is_unauthorized()
    {
        await using var cluster = await StartAsync();
        var token = cluster.IssueServiceAccountToken("default", "default");
        cluster.RevokeServiceAccountToken(token);
        using var client = new ApiServerClient(Endpoints.Token(cluster, token));

        var error = await Assert.ThrowsAsync<ApiStatusException>(() => client.GetJsonAsync("/api/v1/namespaces/default/pods", None));

        Assert.Equal(FailureReason.ApiUnauthorized, error.Reason);
        Assert.Equal(401, error.Code);
    }

    [Fact]
    public async Task The_token_file_is_read_for_every_request()
    {
        await using var cluster = await StartAsync();
        var file = Path.Combine(cluster.WorkDirectory, "rotating-token");
        await File.WriteAllTextAsync(file, "not-a-valid-token\n");
        var endpoint = Endpoints.For(cluster.ApiServerUri,
            new EndpointCredentials { CertificateAuthorityData = Endpoints.Ca(cluster), BearerTokenFile = file });
        using var client = new ApiServerClient(endpoint);

        var before = await client.GetAsync("/api/v1/namespaces", None);
        await File.WriteAllTextAsync(file, cluster.AdminToken + "\n");
        var after = await client.GetAsync("/api/v1/namespaces", None);

        Assert.Equal(401, (int)before.StatusCode);
        Assert.True(after.IsSuccess);
    }

    [Fact]
    public async Task A_missing_token_file_is_a_typed_error_naming_the_file()
    {
        await using var server = new RecordingServer(null);
        var file = Path.Combine(Path.GetTempPath(), $"k8scomm-missing-{Guid.NewGuid():N}");
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials { BearerTokenFile = file });
        using var client = new ApiServerClient(endpoint, new ApiServerClientOptions { AllowUnencryptedAuthentication = true });

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/version", None));

        Assert.Equal(FailureReason.TokenFileUnreadable, error.Reason);
        Assert.Contains(file, error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_bearer_token_is_not_sent_over_plain_http_unless_allowed()
    {
        await using var server = new RecordingServer(null);
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials { BearerToken = "secret-token-123" });
        using var strict = new ApiServerClient(endpoint);
        using var lenient = new ApiServerClient(endpoint, new ApiServerClientOptions { AllowUnencryptedAuthentication = true });

        var error = await Assert.ThrowsAsync<K8sCommException>(() => strict.GetAsync("/version", None));
        Assert.Equal(FailureReason.UnencryptedAuthentication, error.Reason);
        Assert.DoesNotContain("secret-token-123", error.ToString());
        Assert.Empty(server.Requests);

        await lenient.GetAsync("/version", None);
        Assert.Equal("Bearer secret-token-123", Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task Basic_credentials_are_refused_over_http_and_sent_over_verified_https()
    {
        using var ca = TestPki.CreateCa("recording-ca");
        using var certificate = TestPki.Issue(ca, "recording", ["localhost"], ["127.0.0.1"]);
        await using var plain = new RecordingServer(null);
        await using var secure = new RecordingServer(certificate);
        var credentials = new EndpointCredentials
        {
            CertificateAuthorityData = TestPki.PemBytes(ca), BasicUserName = "alice", BasicPassword = "p@ss word",
        };
        using var overHttp = new ApiServerClient(Endpoints.For(plain.Uri, credentials));
        using var overHttps = new ApiServerClient(Endpoints.For(secure.Uri, credentials));

        var error = await Assert.ThrowsAsync<K8sCommException>(() => overHttp.GetAsync("/version", None));
        await overHttps.GetAsync("/version", None);

        Assert.Equal(FailureReason.UnencryptedAuthentication, error.Reason);
        Assert.DoesNotContain("p@ss word", error.ToString());
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:p@ss word"));
        Assert.Equal(expected, Assert.Single(secure.Requests).Authorization);
    }

    [Fact]
    public async Task An_anonymous_client_sends_neither_token_nor_client_certificate()
    {
        using var ca = TestPki.CreateCa("recording-ca");
        using var certificate = TestPki.Issue(ca, "recording", ["localhost"], ["127.0.0.1"]);
        using var clientCertificate = TestPki.Issue(ca, "alice", extendedKeyUsageOid: "1.3.6.1.5.5.7.3.2");
        await using var server = new RecordingServer(certificate);
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials
        {
            CertificateAuthorityData = TestPki.PemBytes(ca), BearerToken = "t0ken", ClientCertificate = clientCertificate,
        });
        using var authenticated = new ApiServerClient(endpoint);
        using var anonymous = new ApiServerClient(endpoint, new ApiServerClientOptions { Anonymous = true });

        await authenticated.GetAsync("/a", None);
        await anonymous.GetAsync("/b", None);

        var requests = server.Requests.ToDictionary(r => r.Path);
        Assert.Equal("Bearer t0ken", requests["/a"].Authorization);
        Assert.True(requests["/a"].ClientPresentedCertificate);
        Assert.Null(requests["/b"].Authorization);
        Assert.False(requests["/b"].ClientPresentedCertificate);
    }

    [Fact]
    public void Accepting_any_certificate_is_only_for_anonymous_clients()
    {
        var endpoint = Endpoints.For(new Uri("https://127.0.0.1:6443"), new EndpointCredentials { BearerToken = "x" });
        Assert.Throws<ArgumentException>(() => new ApiServerClient(endpoint, new ApiServerClientOptions { AcceptAnyServerCertificate = true }));
    }

    [Fact]
    public async Task Goes_through_the_proxy_url_with_connect()
    {
        await using var cluster = await StartAsync();
        await using var proxy = new ConnectProxy();
        using var client = new ApiServerClient(Endpoints.Token(cluster) with { ProxyUrl = proxy.Uri });

        var response = await client.GetAsync("/version", None);

        Assert.True(response.IsSuccess);
        Assert.Equal($"127.0.0.1:{cluster.ApiServerPort}", Assert.Single(proxy.Tunnels));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_ResponseInvalid()
    {
        await using var cluster = await StartAsync(new FaultPlan(FaultMode.GarbageBody, PathPrefix: "/version"));
        using var client = new ApiServerClient(Endpoints.Token(cluster));

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetJsonAsync("/version", None));

        Assert.Equal(FailureReason.ResponseInvalid, error.Reason);
        Assert.Contains("/version", error.Message);
    }

    [Fact]
    public async Task An_oversized_body_is_cut_off_at_the_limit()
    {
        await using var cluster = await StartAsync(new FaultPlan(FaultMode.OversizedBody, PathPrefix: "/version"));
        using var client = new ApiServerClient(Endpoints.Token(cluster), new ApiServerClientOptions { MaxResponseBytes = 64 * 1024 });

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/version", None));

        Assert.Equal(FailureReason.ResponseInvalid, error.Reason);
        Assert.Contains("larger than 65536 bytes", error.Message);
    }

    [Fact]
    public async Task A_reset_connection_is_a_typed_error()
    {
        await using var cluster = await StartAsync(new FaultPlan(FaultMode.ConnectionReset));
        using var client = new ApiServerClient(Endpoints.Token(cluster));

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/version", None));

        Assert.Equal(FailureReason.ResponseInvalid, error.Reason);
    }
}

public class ApiServerClientWireTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Tls_server_name_goes_out_as_sni_while_the_host_header_keeps_the_server()
    {
        using var ca = TestPki.CreateCa();
        using var certificate = TestPki.Issue(ca, "kube-apiserver", ["kubernetes.default.svc"], ["127.0.0.1"]);
        await using var server = new RecordingServer(certificate);
        var endpoint = Endpoints.For(server.Uri, new EndpointCredentials { CertificateAuthorityData = TestPki.PemBytes(ca) },
            tlsServerName: "kubernetes.default.svc");
        var byIp = endpoint with { TlsServerName = null };
        using var named = new ApiServerClient(endpoint);
        using var plain = new ApiServerClient(byIp);

        await named.GetAsync("/named", None);
        await plain.GetAsync("/by-ip", None);

        var requests = server.Requests.ToDictionary(r => r.Path);
        Assert.Equal("kubernetes.default.svc", requests["/named"].ServerNameIndication);
        Assert.Equal($"127.0.0.1:{server.Uri.Port}", requests["/named"].Headers["host"]);
        Assert.Null(requests["/by-ip"].ServerNameIndication); // an IP address is never sent as SNI
    }

    [Fact]
    public async Task An_untrusted_server_never_sees_the_client_certificate()
    {
        using var realCa = TestPki.CreateCa("cluster-ca");
        using var impostorCa = TestPki.CreateCa("impostor-ca");
        using var impostor = TestPki.Issue(impostorCa, "kube-apiserver", ["localhost"], ["127.0.0.1"]);
        using var clientCertificate = TestPki.Issue(realCa, "alice", extendedKeyUsageOid: "1.3.6.1.5.5.7.3.2");
        await using var server = new RecordingServer(impostor);
        using var client = new ApiServerClient(Endpoints.For(server.Uri, new EndpointCredentials
        {
            CertificateAuthorityData = TestPki.PemBytes(realCa), ClientCertificate = clientCertificate,
        }));

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.GetAsync("/version", None));

        Assert.Equal(FailureReason.ServerCertificateUntrusted, error.Reason);
        Assert.Equal(0, server.ClientCertificatesSeen);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_fresh_client_presents_its_certificate_on_a_second_connection_once_the_server_is_verified()
    {
        using var ca = TestPki.CreateCa("cluster-ca");
        using var serving = TestPki.Issue(ca, "kube-apiserver", ["localhost"], ["127.0.0.1"]);
        using var clientCertificate = TestPki.Issue(ca, "alice", extendedKeyUsageOid: "1.3.6.1.5.5.7.3.2");
        await using var server = new RecordingServer(serving);
        using var client = new ApiServerClient(Endpoints.For(server.Uri, new EndpointCredentials
        {
            CertificateAuthorityData = TestPki.PemBytes(ca), ClientCertificate = clientCertificate,
        }));

        await client.GetAsync("/first", None);
        await client.GetAsync("/second", None);

        Assert.All(server.Requests, r => Assert.True(r.ClientPresentedCertificate));
        Assert.Equal(2, server.Connections);        // one held back, one with the certificate, then reused
        Assert.Equal(1, server.ClientCertificatesSeen);
    }

    [Fact]
    public async Task Reaches_an_ipv6_server_and_checks_its_ip_san()
    {
        using var ca = TestPki.CreateCa();
        using var certificate = TestPki.Issue(ca, "kube-apiserver", ["kubernetes"], ["::1"]);
        await using var server = new RecordingServer(certificate, address: System.Net.IPAddress.IPv6Loopback);
        using var client = new ApiServerClient(Endpoints.For(server.Uri,
            new EndpointCredentials { CertificateAuthorityData = TestPki.PemBytes(ca), BearerToken = "v6" }));

        var response = await client.GetAsync("/version", None);

        Assert.True(response.IsSuccess);
        Assert.StartsWith("[::1]:", server.Uri.Authority);
        Assert.Equal("::1", client.LastServerTrust!.ServerName);
        Assert.True(client.LastServerTrust.NameMatches);
        Assert.Equal("Bearer v6", Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task A_path_prefix_in_the_server_url_is_kept()
    {
        await using var server = new RecordingServer(null);
        using var client = new ApiServerClient(Endpoints.For(new Uri(server.Uri, "/k8s/clusters/c-42"), new EndpointCredentials()));

        await client.GetAsync("/version", None);
        await client.GetAsync("api/v1/namespaces?limit=1", None);

        Assert.Equal(["/k8s/clusters/c-42/version", "/k8s/clusters/c-42/api/v1/namespaces?limit=1"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Status_errors_from_a_non_kubernetes_body_keep_the_code_and_a_short_excerpt()
    {
        await using var server = new RecordingServer(null, _ => (502, "<html>bad gateway" + new string('x', 500) + "</html>"));
        using var client = new ApiServerClient(Endpoints.For(server.Uri, new EndpointCredentials()));

        var error = await Assert.ThrowsAsync<ApiStatusException>(() => client.GetJsonAsync("/version", None));

        Assert.Equal(502, error.Code);
        Assert.Equal(FailureReason.ApiError, error.Reason);
        Assert.Contains("bad gateway", error.Message);
        Assert.True(error.Message.Length < 300);
    }
}
