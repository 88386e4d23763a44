using System.Text.Json.Nodes;
using K8sComm.Core.Api;
using K8sComm.Core.Kubelets;
using K8sComm.Core.Tests.Api;
using K8sComm.Core.Discovery;
using Xunit;

namespace K8sComm.Core.Tests.Kubelets;

public class NodeDirectoryTests
{
    private static string NodeList(IEnumerable<string> names, string? next) => new JsonObject
    {
        ["kind"] = "NodeList",
        ["apiVersion"] = "v1",
        ["metadata"] = next is null ? new JsonObject() : new JsonObject { ["continue"] = next },
        ["items"] = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["metadata"] = new JsonObject { ["name"] = n } }).ToArray()),
    }.ToJsonString();

    private static ApiServerClient Client(RecordingServer server) =>
        new(Endpoints.For(server.Uri, new EndpointCredentials { BearerToken = "t" }), new ApiServerClientOptions { AllowUnencryptedAuthentication = true });

    [Fact]
    public async Task The_list_is_read_in_pages_following_continue()
    {
        await using var server = new RecordingServer(null, request => request.Path switch
        {
            "/api/v1/nodes?limit=2" => (200, NodeList(["n1", "n2"], "tok en/1")),
            "/api/v1/nodes?limit=2&continue=tok%20en%2F1" => (200, NodeList(["n3"], null)),
            _ => (404, "{}"),
        });
        using var client = Client(server);

        var names = new List<string>();
        await foreach (var node in NodeDirectory.ListAsync(client, pageSize: 2))
            names.Add(node.Metadata.Name);

        Assert.Equal(["n1", "n2", "n3"], names);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Literal_names_are_read_one_by_one_and_unknown_ones_reported()
    {
        await using var server = new RecordingServer(null, request => request.Path switch
        {
            "/api/v1/nodes/n1" => (200, """{"kind":"Node","apiVersion":"v1","metadata":{"name":"n1"}}"""),
            _ => (404, """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"""),
        });
        using var client = Client(server);
        var unmatched = new List<string>();

        var names = new List<string>();
        await foreach (var node in NodeDirectory.FindAsync(client, ["n1", "n9"], unmatched.Add))
            names.Add(node.Metadata.Name);

        Assert.Equal(["n1"], names);
        Assert.Equal(["n9"], unmatched);
        Assert.DoesNotContain(server.Requests, r => r.Path.StartsWith("/api/v1/nodes?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wildcards_list_once_and_filter()
    {
        await using var server = new RecordingServer(null, _ => (200, NodeList(["web-1", "web-2", "db-1"], null)));
        using var client = Client(server);
        var unmatched = new List<string>();

        var names = new List<string>();
        await foreach (var node in NodeDirectory.FindAsync(client, ["web-*", "db-1", "cache-*"], unmatched.Add))
            names.Add(node.Metadata.Name);

        Assert.Equal(["web-1", "web-2", "db-1"], names);
        Assert.Equal(["cache-*"], unmatched);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_listed_node_keeps_what_addressing_its_kubelet_needs()
    {
        const string page = """
            {"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[
              {"metadata":{"name":"n1","labels":{"a":"b"}},"spec":{"podCIDR":"10.244.0.0/24"},
               "status":{"capacity":{"cpu":"4"},"addresses":[{"type":"Hostname","address":"n1.test"},{"type":"InternalIP","address":"10.0.0.5"}],
                         "daemonEndpoints":{"kubeletEndpoint":{"Port":10260}},"nodeInfo":{"kubeletVersion":"v1.32.0"}}},
              {"metadata":{"name":"n2"},"status":{}},
              {"metadata":{"name":"n3"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.7"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":1e12}}}}]}
            """;
        await using var server = new RecordingServer(null, _ => (200, page));
        using var client = Client(server);

        var nodes = new List<k8s.Models.V1Node>();
        await foreach (var node in NodeDirectory.ListAsync(client))
            nodes.Add(node);

        var target = KubeletTarget.ForNode(nodes[0])!;
        Assert.Equal(("n1", "10.0.0.5", 10260), (target.NodeName, target.Host, target.Port));
        Assert.Equal("n2", nodes[1].Metadata.Name);
        Assert.Null(KubeletTarget.ForNode(nodes[1]));
        Assert.Equal(10250, KubeletTarget.ForNode(nodes[2])!.Port); // a port that is no port: the default, as when absent
    }

    [Theory]
    [InlineData("""{"items":"n1"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"items":[{"metadata":{"name":"n1"},"status":{"addresses":{}}}]}""")]
    [InlineData("""{"items":[""")]
    public async Task A_page_that_is_not_a_node_list_is_an_invalid_response(string body)
    {
        await using var server = new RecordingServer(null, _ => (200, body));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<K8sCommException>(async () =>
        {
            await foreach (var _ in NodeDirectory.ListAsync(client)) { }
        });

        Assert.Equal(FailureReason.ResponseInvalid, error.Reason);
    }
}
