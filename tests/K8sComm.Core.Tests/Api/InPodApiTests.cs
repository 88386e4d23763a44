using System.Text;
using System.Text.Json;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tests.Tls;
using K8sComm.Core.Tls;
using K8sComm.Sandbox;
using K8sComm.Sandbox.Hosting;
using Xunit;

namespace K8sComm.Core.Tests.Api;

/// <summary>Calls made the way a pod makes them: the sandbox's service-account directory and its variables.</summary>
public sealed class InPodApiTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IReadOnlyDictionary<string, string?> PodEnvironment =>
        _cluster.InClusterEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);

    private string Directory => _cluster.Files.ServiceAccountDirectory;
    private string TokenFile => Path.Combine(Directory, "token");
    private string CurrentToken => File.ReadAllText(TokenFile).Trim();

    private ApiServerClient PodClient() => new(PodServiceAccount.ResolveEndpoint(PodEnvironment, Directory));

    private static readonly ApiCall OwnPods = new(HttpMethod.Get, "/api/v1/namespaces/default/pods");

    [Fact]
    public async Task Listing_pods_in_the_own_namespace_succeeds_with_the_pod_identity()
    {
        using var client = PodClient();

        var response = await client.InvokeAsync(OwnPods, None);
        using var list = response.ParseJson();

        Assert.Equal("PodList", list.RootElement.GetProperty("kind").GetString());
        Assert.Equal("system:serviceaccount:default:default", _cluster.Requests.Entries.Last().User);
        Assert.Equal(TrustSource.EndpointCertificateAuthority, client.LastServerTrust!.Source);
    }

    [Fact]
    public async Task Another_namespace_is_a_403_naming_the_account_the_verb_and_the_missing_rule()
    {
        using var client = PodClient();

        var error = await Assert.ThrowsAsync<ApiStatusException>(() =>
            client.InvokeAsync(new ApiCall(HttpMethod.Get, "/api/v1/namespaces/kube-system/pods"), None));

        Assert.Equal(FailureReason.ApiForbidden, error.Reason);
        var denial = Assert.IsType<RbacDenial>(error.Denial);
        Assert.Equal(("default", "default"), denial.ServiceAccount);
        Assert.Equal("list", denial.Verb);
        Assert.Equal("pods", denial.Resource);
        Assert.Equal("kube-system", denial.Namespace);
        Assert.Equal("Role", denial.RoleKind);
        Assert.Equal("{apiGroups: [\"\"], resources: [\"pods\"], verbs: [\"list\"]}", denial.Rule);
        Assert.Contains("kubectl create role list-pods -n kube-system --verb=list --resource=pods", error.Message);
        Assert.Contains("--serviceaccount=default:default", error.Message);
        Assert.Contains("system:serviceaccount:default:default", error.Arguments);
        Assert.DoesNotContain(CurrentToken, error.ToString());
    }

    [Fact]
    public async Task A_token_file_replaced_mid_session_keeps_a_loop_of_calls_working()
    {
        using var client = PodClient();
        var tokens = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            if (i % 10 == 5)
            {
                _cluster.RotateServiceAccountToken(); // the old token is revoked at once
                tokens.Add(CurrentToken);
            }
            var response = await client.SendAsync(OwnPods, None);
            Assert.True(response.IsSuccess, $"call {i}: {(int)response.StatusCode}");
        }

        Assert.Equal(3, tokens.Count);
        Assert.DoesNotContain(_cluster.Requests.Entries, r => r.User is null);
    }

    [Fact]
    public async Task A_401_to_a_rotated_token_rereads_the_file_and_retries_once()
    {
        using var client = PodClient();
        await client.InvokeAsync(OwnPods, None);
        var written = File.GetLastWriteTimeUtc(TokenFile);
        var length = new FileInfo(TokenFile).Length;

        // A rotation the file's size and time don't show: only the server's 401 can reveal it.
        _cluster.RotateServiceAccountToken();
        Assert.Equal(length, new FileInfo(TokenFile).Length);
        File.SetLastWriteTimeUtc(TokenFile, written);
        _cluster.Requests.Clear();

        var response = await client.InvokeAsync(OwnPods, None);

        Assert.True(response.IsSuccess);
        Assert.Equal([null, "system:serviceaccount:default:default"], _cluster.Requests.Entries.Select(r => r.User));
        Assert.Equal(2, client.TokenFileReads);
    }

    [Fact]
    public async Task A_bad_token_is_not_retried_when_the_file_still_holds_it()
    {
        using var client = PodClient();
        var token = CurrentToken;
        _cluster.RevokeServiceAccountToken(token);
        _cluster.Requests.Clear();

        var error = await Assert.ThrowsAsync<ApiStatusException>(() => client.InvokeAsync(OwnPods, None));

        Assert.Equal(FailureReason.ApiUnauthorized, error.Reason);
        Assert.Equal(1, _cluster.Requests.Count);
        Assert.DoesNotContain(token, error.ToString());
    }

    [Fact]
    public async Task The_token_file_is_read_once_for_many_calls_while_it_does_not_change()
    {
        using var client = PodClient();
        for (var i = 0; i < 20; i++) await client.InvokeAsync(OwnPods, None);

        Assert.Equal(1, client.TokenFileReads);
        Assert.Equal(1, client.Handshakes);
    }

    [Fact]
    public async Task A_wrong_ca_crt_fails_closed_before_any_request()
    {
        using var otherCa = TestPki.CreateCa("not-the-cluster-ca");
        File.WriteAllText(Path.Combine(Directory, "ca.crt"), Encoding.ASCII.GetString(TestPki.PemBytes(otherCa)));
        using var client = PodClient();
        _cluster.Requests.Clear();

        var error = await Assert.ThrowsAsync<K8sCommException>(() => client.InvokeAsync(OwnPods, None));

        Assert.Equal(FailureReason.ServerCertificateUntrusted, error.Reason);
        Assert.Equal(0, _cluster.Requests.Count);
        Assert.DoesNotContain(CurrentToken, error.ToString());
    }

    [Fact]
    public void A_missing_ca_crt_is_refused_rather_than_trusting_the_system_roots()
    {
        File.Delete(Path.Combine(Directory, "ca.crt"));

        var error = Assert.Throws<K8sCommException>(() => PodServiceAccount.ResolveEndpoint(PodEnvironment, Directory));

        Assert.Equal(FailureReason.CertificateDataInvalid, error.Reason);
        Assert.Contains(Path.Combine(Directory, "ca.crt"), error.Message);
        Assert.True(PodServiceAccount.ResolveEndpoint(PodEnvironment, Directory, skipCertificateCheck: true).InsecureSkipTlsVerify);
    }

    [Fact]
    public async Task Lists_are_followed_through_their_continue_tokens()
    {
        _cluster.AddPods("default", 7);
        using var client = PodClient();

        var names = new List<string>();
        var pages = 0;
        await foreach (var page in client.ListPagesAsync(OwnPods, 3, None))
        {
            using (page)
            {
                pages++;
                names.AddRange(page.RootElement.GetProperty("items").EnumerateArray()
                    .Select(p => p.GetProperty("metadata").GetProperty("name").GetString()!));
            }
        }

        Assert.Equal(3, pages); // echo-0 and worker-0..6: 8 pods
        Assert.Equal(8, names.Distinct().Count());
        Assert.Contains(_cluster.Requests.Entries, r => r.PathAndQuery.Contains("limit=3&continue=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_watch_streams_events_until_cancelled()
    {
        using var client = PodClient();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();

        var ended = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in client.WatchAsync(OwnPods, stop.Token))
            {
                seen.Add($"{e.Type} {e.Object.GetProperty("metadata").GetProperty("name").GetString()}");
                if (seen.Count == 1) _cluster.AddPods("default", 1, "late");
                if (seen.Count == 2) stop.Cancel();
            }
        });

        Assert.True(stop.IsCancellationRequested);
        Assert.Equal(["ADDED echo-0", "ADDED late-0"], seen);
        Assert.Contains(_cluster.Requests.Entries, r => r.PathAndQuery.EndsWith("?watch=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_download_streams_the_body_and_an_error_writes_nothing()
    {
        using var client = PodClient();
        using var file = new MemoryStream();

        var bytes = await client.DownloadAsync(OwnPods, file, None);
        await Assert.ThrowsAsync<ApiStatusException>(() =>
            client.DownloadAsync(new ApiCall(HttpMethod.Get, "/api/v1/namespaces/kube-system/pods"), file, None));

        Assert.Equal(file.Length, bytes);
        using var list = JsonDocument.Parse(file.ToArray());
        Assert.Equal("PodList", list.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task One_pooled_client_per_endpoint_makes_one_tls_handshake_for_many_calls()
    {
        using var pool = new ApiServerClientPool();
        var before = _cluster.ApiServerHandshakes;
        for (var i = 0; i < 50; i++)
        {
            // Resolved afresh each time, as each command does: the pool still hands out the same client.
            var client = pool.ClientFor(PodServiceAccount.ResolveEndpoint(PodEnvironment, Directory));
            await client.InvokeAsync(OwnPods, None);
        }

        Assert.Equal(1, pool.Count);
        Assert.Equal(before + 1, _cluster.ApiServerHandshakes);
    }

    [Fact]
    public void The_pod_token_is_read_as_a_projected_token_bound_to_its_pod()
    {
        var context = PodServiceAccount.Read(PodEnvironment, Directory);

        Assert.Equal(ServiceAccountTokenKind.Projected, context.Token.Kind);
        Assert.Equal(SandboxCluster.ServiceAccountPodName, context.Token.PodName);
        Assert.Equal("node-0", context.Token.NodeName);
        Assert.Equal("default", context.Token.ServiceAccountName);
        Assert.Equal("system:serviceaccount:default:default", context.Token.Subject);
        Assert.True(context.Token.Expires > DateTimeOffset.UtcNow);
        Assert.Equal(NamespaceSource.File, context.NamespaceSource);
        Assert.True(context.CertificateAuthority!.IsCertificateAuthority);
        Assert.Equal(_cluster.ApiServerUri.Port, context.ApiServer.Port);
    }

    [Fact]
    public async Task The_self_review_names_the_account_and_lists_its_rules_in_the_namespace()
    {
        using var client = PodClient();

        var review = await SelfReviewer.ReviewAsync(client, "default", None);

        Assert.Equal("system:serviceaccount:default:default", review.UserName);
        Assert.Contains("system:serviceaccounts:default", review.Groups);
        Assert.Contains(review.Rules, r => r.Resources.Contains("pods") && r.Verbs.Contains("list") && r.ApiGroups.Contains(""));
        Assert.Contains(review.Rules, r => r.NonResourceUrls.Contains("/version"));
    }

    [SkippableFact]
    public async Task IPv6_loopback_works_with_the_bracketed_service_host()
    {
        Skip.IfNot(Ipv6Loopback.IsAvailable, Ipv6Loopback.MissingReason);
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1, IPv6 = true });
        var environment = cluster.InClusterEnvironment.ToDictionary(p => p.Key, p => (string?)p.Value);
        Assert.Equal("::1", environment[InClusterResolver.HostVariable]);
        using var client = new ApiServerClient(PodServiceAccount.ResolveEndpoint(environment, cluster.Files.ServiceAccountDirectory));

        var response = await client.InvokeAsync(OwnPods, None);

        Assert.Equal("[::1]", client.Endpoint.Server.Host);
        Assert.True(response.IsSuccess);
    }

    [Fact]
    public async Task A_token_marker_appears_in_no_exception_result_or_description()
    {
        const string marker = "pod-token-Vx7q2SECRET";
        var directory = _cluster.WriteServiceAccountDirectory("default", "marked");
        File.WriteAllText(Path.Combine(directory, "token"), $"eyJhbGciOiJFUzI1NiJ9.{marker}.c2ln");
        var endpoint = PodServiceAccount.ResolveEndpoint(PodEnvironment, directory);
        using var client = new ApiServerClient(endpoint);

        var unauthorized = await Assert.ThrowsAsync<ApiStatusException>(() => client.InvokeAsync(OwnPods, None));
        var watch = await Assert.ThrowsAsync<ApiStatusException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(OwnPods, None)) { }
        });
        var context = PodServiceAccount.Read(PodEnvironment, directory);

        foreach (var text in new[]
                 {
                     unauthorized.ToString(), string.Join("|", unauthorized.Arguments), watch.ToString(), endpoint.ToString(),
                     endpoint.Credentials.ToString(), context.ToString(), context.Token.ToString(), client.ToString(),
                     JsonSerializer.Serialize(context.Token), JsonSerializer.Serialize(endpoint.Findings),
                 })
        {
            Assert.DoesNotContain(marker, text);
        }
        Assert.Equal(ServiceAccountTokenKind.Unknown, context.Token.Kind);
    }
}
