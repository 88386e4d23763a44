using System.Text.Json.Nodes;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>What a pod's client meets: paging, watches, its rules, rotation, and the counters tests read.</summary>
public sealed class ServiceAccountSimulationTests : IAsyncLifetime
{
    private SandboxCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SandboxCluster.StartAsync(new SandboxOptions { NodeCount = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private string PodToken => File.ReadAllText(Path.Combine(_cluster.Files.ServiceAccountDirectory, "token")).Trim();

    [Fact]
    public async Task Lists_page_with_limit_and_continue_until_every_item_is_seen_once()
    {
        _cluster.AddPods("default", 7);
        using var client = ApiClient.Create(_cluster, _cluster.AdminToken);
        var all = (await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods")).Body!["items"]!.AsArray()
            .Select(p => p!["metadata"]!["name"]!.GetValue<string>()).ToList();

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var path = "/api/v1/namespaces/default/pods?limit=3" + (next is null ? "" : "&continue=" + Uri.EscapeDataString(next));
            var (code, body, _) = await ApiClient.GetJsonAsync(client, path);
            Assert.Equal(200, code);
            var items = body!["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items.Select(p => p!["metadata"]!["name"]!.GetValue<string>()));
            next = body["metadata"]!["continue"]?.GetValue<string>();
            pages++;
        } while (next is not null);

        Assert.Equal(all, seen);
        Assert.Equal((all.Count + 2) / 3, pages);
    }

    [Fact]
    public async Task A_continue_token_from_another_list_state_is_410_Expired()
    {
        using var client = ApiClient.Create(_cluster, _cluster.AdminToken);
        _cluster.AddPods("default", 4);
        var first = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods?limit=2");
        var token = first.Body!["metadata"]!["continue"]!.GetValue<string>();
        _cluster.AddPods("default", 1);

        var (code, body, _) = await ApiClient.GetJsonAsync(client, "/api/v1/namespaces/default/pods?limit=2&continue=" + Uri.EscapeDataString(token));

        Assert.Equal(410, code);
        Assert.Equal("Expired", body!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_watch_starts_with_the_pods_there_and_streams_new_ones()
    {
        using var client = ApiClient.Create(_cluster, PodToken);
        using var response = await client.GetAsync("/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=20",
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var existing = await NextEvent(reader);
        Assert.Equal("ADDED", existing["type"]!.GetValue<string>());
        Assert.Equal("echo-0", existing["object"]!["metadata"]!["name"]!.GetValue<string>());

        _cluster.AddPods("default", 1, "late");
        var added = await NextEvent(reader);
        Assert.Equal("late-0", added["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    private static async Task<JsonObject> NextEvent(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await reader.ReadLineAsync(timeout.Token);
        return JsonNode.Parse(line!)!.AsObject();
    }

    [Fact]
    public async Task The_rules_review_lists_pod_reads_in_the_own_namespace_only()
    {
        using var client = ApiClient.Create(_cluster, PodToken);

        async Task<JsonArray> RulesIn(string ns)
        {
            var review = new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SelfSubjectRulesReview", ["spec"] = new JsonObject { ["namespace"] = ns } };
            using var response = await client.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                new StringContent(review.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            var (code, body, _) = await ApiClient.Read(response);
            Assert.Equal(201, code);
            return body!["status"]!["resourceRules"]!.AsArray();
        }

        static bool ReadsPods(JsonArray rules) => rules.Any(r =>
            r!["resources"]!.AsArray().Any(x => x!.GetValue<string>() == "pods") &&
            r["verbs"]!.AsArray().Any(v => v!.GetValue<string>() == "list"));

        Assert.True(ReadsPods(await RulesIn("default")));
        Assert.False(ReadsPods(await RulesIn("kube-system")));
    }

    [Fact]
    public async Task Rotation_replaces_the_token_file_and_revokes_the_old_token()
    {
        var old = PodToken;
        _cluster.RotateServiceAccountToken();
        var fresh = PodToken;

        using var oldClient = ApiClient.Create(_cluster, old);
        using var freshClient = ApiClient.Create(_cluster, fresh);
        Assert.NotEqual(old, fresh);
        Assert.Equal(401, (await ApiClient.GetJsonAsync(oldClient, "/api/v1/namespaces/default/pods")).Code);
        Assert.Equal(200, (await ApiClient.GetJsonAsync(freshClient, "/api/v1/namespaces/default/pods")).Code);
    }

    [Fact]
    public async Task The_request_log_and_handshake_counter_see_every_request_and_connection()
    {
        var handshakes = _cluster.ApiServerHandshakes;
        _cluster.Requests.Clear();
        using var client = ApiClient.Create(_cluster, _cluster.AdminToken);

        await ApiClient.GetJsonAsync(client, "/version");
        await ApiClient.GetJsonAsync(client, "/api/v1/namespaces?limit=1");

        Assert.Equal(["GET /version", "GET /api/v1/namespaces?limit=1"], _cluster.Requests.Entries.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.All(_cluster.Requests.Entries, r => Assert.Equal("sandbox-admin", r.User));
        // ApiClient does not pool connections (PooledConnectionLifetime zero): one handshake per request.
        Assert.Equal(handshakes + 2, _cluster.ApiServerHandshakes);
    }
}
