using System.Text.Json.Nodes;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// The legacy discovery documents (APIVersions, APIGroupList, APIGroup, APIResourceList). Clients that ask
/// for aggregated discovery get these too, with a plain JSON content type, which tells them to fall back.
/// </summary>
public static class DiscoveryDocuments
{
    /// <param name="serverAddress">host:port clients should use (IPv6 in brackets).</param>
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = serverAddress,
        }),
    };

    public static IEnumerable<string> Groups => ResourceType.All.Where(r => r.Group.Length > 0).Select(r => r.Group).Distinct();

    public static JsonObject ApiGroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups.Select(g => (JsonNode)GroupBody(g)).ToArray()),
    };

    public static JsonObject? ApiGroup(string group)
    {
        if (!Groups.Contains(group)) return null;
        var body = GroupBody(group);
        body["kind"] = "APIGroup";
        body["apiVersion"] = "v1";
        return body;
    }

    public static JsonObject? ApiResourceList(string group, string version)
    {
        var types = ResourceType.All.Where(r => r.Group == group && r.Version == version).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            resources.Add(new JsonObject
            {
                ["name"] = type.Name,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(type.Verbs.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
                ["shortNames"] = new JsonArray(type.ShortNames.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()),
            });
        }

        if (group.Length == 0)
        {
            foreach (var (name, kind, namespaced) in ResourceType.ProxySubresources)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = name, ["singularName"] = "", ["namespaced"] = namespaced, ["kind"] = kind,
                    ["verbs"] = new JsonArray("create", "delete", "get", "patch", "update"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject GroupBody(string group) => new()
    {
        ["name"] = group,
        ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = $"{group}/v1", ["version"] = "v1" }),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/v1", ["version"] = "v1" },
    };

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = ClusterSeed.KubernetesVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}
