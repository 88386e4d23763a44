using System.Text;
using System.Text.Json.Nodes;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tests.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Api;

public sealed class RbacDenialTests
{
    [Theory]
    [InlineData("pods is forbidden: User \"system:serviceaccount:ci:runner\" cannot list resource \"pods\" in API group \"\" in the namespace \"prod\"",
        "system:serviceaccount:ci:runner", "list", "pods", "", "prod", "Role")]
    [InlineData("nodes is forbidden: User \"system:serviceaccount:ci:runner\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
        "system:serviceaccount:ci:runner", "list", "nodes", "", null, "ClusterRole")]
    [InlineData("pods \"web-0\" is forbidden: User \"alice\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"a\"",
        "alice", "get", "pods/log", "", "a", "Role")]
    [InlineData("deployments.apps is forbidden: User \"system:serviceaccount:x:y\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"x\"",
        "system:serviceaccount:x:y", "patch", "deployments", "apps", "x", "Role")]
    public void Reads_the_api_servers_resource_sentence(string message, string user, string verb, string resource, string group, string? ns, string kind)
    {
        var denial = RbacDenial.Parse(message)!;

        Assert.Equal(user, denial.User);
        Assert.Equal(verb, denial.Verb);
        Assert.Equal(resource, denial.Resource);
        Assert.Equal(group, denial.Group);
        Assert.Equal(ns, denial.Namespace);
        Assert.Equal(kind, denial.RoleKind);
    }

    [Fact]
    public void A_non_resource_path_needs_a_cluster_role_with_that_url()
    {
        var denial = RbacDenial.Parse("forbidden: User \"system:serviceaccount:mon:scraper\" cannot get path \"/metrics\"")!;

        Assert.Equal("/metrics", denial.NonResourcePath);
        Assert.Equal("ClusterRole", denial.RoleKind);
        Assert.Equal("{nonResourceURLs: [\"/metrics\"], verbs: [\"get\"]}", denial.Rule);
        Assert.Contains("kubectl create clusterrole get-path --verb=get --non-resource-url=/metrics", denial.GrantCommand);
        Assert.Contains("--serviceaccount=mon:scraper", denial.GrantCommand);
    }

    [Fact]
    public void A_grouped_resource_is_named_with_its_group_for_kubectl()
    {
        var denial = RbacDenial.Parse("User \"system:serviceaccount:x:y\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"x\"")!;

        Assert.Contains("--resource=deployments.apps", denial.GrantCommand);
        Assert.Equal(("x", "y"), denial.ServiceAccount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("admission webhook \"policy\" denied the request")]
    public void Other_403_sentences_give_no_denial(string? message) => Assert.Null(RbacDenial.Parse(message));

    [Fact]
    public void Only_a_403_carries_a_denial_and_its_arguments_extend_the_common_four()
    {
        const string message = "User \"u\" cannot list resource \"pods\" in API group \"\" in the namespace \"n\"";
        var forbidden = new ApiStatusException(403, "Forbidden", message, "/api/v1/namespaces/n/pods");
        var other = new ApiStatusException(404, "NotFound", message, "/p");

        Assert.NotNull(forbidden.Denial);
        Assert.Equal(["403", "Forbidden", message, "/api/v1/namespaces/n/pods", "u", "list", "pods", "n", "Role"], forbidden.Arguments.Take(9));
        Assert.Null(other.Denial);
        Assert.Equal(4, other.Arguments.Count);
    }
}

public sealed class ServiceAccountTokenTests
{
    private static string Jwt(JsonObject claims) =>
        $"{B64("{\"alg\":\"RS256\"}")}.{B64(claims.ToJsonString())}.c2lnbmF0dXJl";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void A_legacy_secret_token_has_flat_claims_and_no_expiry()
    {
        var token = ServiceAccountToken.Read(Jwt(new JsonObject
        {
            ["iss"] = "kubernetes/serviceaccount",
            ["kubernetes.io/serviceaccount/namespace"] = "ci",
            ["kubernetes.io/serviceaccount/secret.name"] = "runner-token-x7k2p",
            ["kubernetes.io/serviceaccount/service-account.name"] = "runner",
            ["kubernetes.io/serviceaccount/service-account.uid"] = "0b8a-uid",
            ["sub"] = "system:serviceaccount:ci:runner",
        }));

        Assert.Equal(ServiceAccountTokenKind.LegacySecret, token.Kind);
        Assert.Equal("ci", token.Namespace);
        Assert.Equal("runner", token.ServiceAccountName);
        Assert.Equal("0b8a-uid", token.ServiceAccountUid);
        Assert.Equal("runner-token-x7k2p", token.SecretName);
        Assert.Null(token.Expires);
        Assert.False(token.IsBoundToPod);
    }

    [Fact]
    public void A_requested_token_expires_but_is_bound_to_no_pod()
    {
        var token = ServiceAccountToken.Read(Jwt(new JsonObject
        {
            ["aud"] = "api", ["exp"] = 1_900_000_000, ["iat"] = 1_899_996_400, ["iss"] = "https://kubernetes.default.svc",
            ["sub"] = "system:serviceaccount:ci:runner",
            ["kubernetes.io"] = new JsonObject { ["namespace"] = "ci", ["serviceaccount"] = new JsonObject { ["name"] = "runner", ["uid"] = "u" } },
        }));

        Assert.Equal(ServiceAccountTokenKind.Requested, token.Kind);
        Assert.Equal(["api"], token.Audiences);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_900_000_000), token.Expires);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_899_996_400), token.IssuedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("a.!!!.c")]
    public void Anything_else_is_unknown_and_never_throws(string? text)
    {
        var token = ServiceAccountToken.Read(text);

        Assert.Equal(ServiceAccountTokenKind.Unknown, token.Kind);
        Assert.Null(token.Subject);
    }

    [Fact]
    public void The_record_never_holds_the_token()
    {
        var jwt = Jwt(new JsonObject { ["sub"] = "system:serviceaccount:a:b", ["exp"] = 1_900_000_000 });

        Assert.DoesNotContain(jwt, ServiceAccountToken.Read(jwt).ToString());
    }
}

public sealed class BearerTokenSourceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task The_file_is_read_again_after_a_minute_less_the_leeway_even_when_unchanged()
    {
        var file = _directory.Write("token", "first");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var source = BearerTokenSource.For(new EndpointCredentials { BearerTokenFile = file }, clock)!;

        await source.GetAsync(CancellationToken.None);
        clock.Now += BearerTokenSource.Period - BearerTokenSource.Leeway - TimeSpan.FromSeconds(1);
        await source.GetAsync(CancellationToken.None);
        Assert.Equal(1, source.FileReads);

        clock.Now += TimeSpan.FromSeconds(2);
        await source.GetAsync(CancellationToken.None);
        Assert.Equal(2, source.FileReads);
    }

    [Fact]
    public async Task A_changed_file_is_read_at_once()
    {
        var file = _directory.Write("token", "first");
        var source = BearerTokenSource.For(new EndpointCredentials { BearerTokenFile = file }, new FixedClock(DateTimeOffset.UtcNow))!;

        Assert.Equal("first", (await source.GetAsync(CancellationToken.None)).Token);
        File.WriteAllText(file, "second-and-longer");

        Assert.Equal("second-and-longer", (await source.GetAsync(CancellationToken.None)).Token);
    }

    [Fact]
    public async Task A_failed_reread_keeps_the_last_good_token_and_a_failed_first_read_is_an_error()
    {
        var file = _directory.Write("token", "good");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var source = BearerTokenSource.For(new EndpointCredentials { BearerTokenFile = file }, clock)!;
        await source.GetAsync(CancellationToken.None);

        File.Delete(file);
        clock.Now += TimeSpan.FromMinutes(5);
        Assert.Equal("good", (await source.GetAsync(CancellationToken.None)).Token);

        var fresh = BearerTokenSource.For(new EndpointCredentials { BearerTokenFile = file }, clock)!;
        var error = await Assert.ThrowsAsync<K8sCommException>(async () => await fresh.GetAsync(CancellationToken.None));
        Assert.Equal(FailureReason.TokenFileUnreadable, error.Reason);
    }

    [Fact]
    public async Task Reset_forgets_the_refused_token_but_not_a_newer_one()
    {
        var file = _directory.Write("token", "one");
        var source = BearerTokenSource.For(new EndpointCredentials { BearerTokenFile = file }, TimeProvider.System)!;
        var refused = await source.GetAsync(CancellationToken.None);

        source.Reset(refused);
        var reread = await source.GetAsync(CancellationToken.None);
        source.Reset(refused with { ReadAt = refused.ReadAt - TimeSpan.FromSeconds(1) });
        await source.GetAsync(CancellationToken.None);

        Assert.Equal(2, source.FileReads);
        Assert.Equal("one", reread.Token);
        Assert.DoesNotContain("one", reread.ToString());
    }
}

public sealed class ApiCallTests
{
    [Fact]
    public void A_path_keeps_its_own_query_and_more_is_added_encoded()
    {
        var call = new ApiCall(HttpMethod.Get, "api/v1/pods?labelSelector=app%3Dweb")
            .WithQuery("fieldSelector", "status.phase=Running")
            .WithQuery("limit", "5");

        Assert.Equal("/api/v1/pods", call.Path);
        Assert.Equal("app=web", call.QueryValue("labelSelector"));
        Assert.Equal("/api/v1/pods?labelSelector=app%3Dweb&fieldSelector=status.phase%3DRunning&limit=5", call.PathAndQuery);
        Assert.Equal("GET /api/v1/pods", call.ToString());
    }

    [Fact]
    public void Setting_a_parameter_again_replaces_it()
    {
        var call = new ApiCall(HttpMethod.Get, "/api/v1/pods?continue=a").WithQuery("continue", "b");

        Assert.Equal("/api/v1/pods?continue=b", call.PathAndQuery);
    }

    [Theory]
    [InlineData(null, ApiContentTypes.Json)]
    [InlineData("merge", ApiContentTypes.MergePatch)]
    [InlineData("Strategic", ApiContentTypes.StrategicMergePatch)]
    [InlineData("json-patch", ApiContentTypes.JsonPatch)]
    [InlineData("apply", ApiContentTypes.ApplyPatch)]
    [InlineData("application/yaml", "application/yaml")]
    public void Content_types_have_short_names(string? name, string expected) => Assert.Equal(expected, ApiContentTypes.Resolve(name));
}
