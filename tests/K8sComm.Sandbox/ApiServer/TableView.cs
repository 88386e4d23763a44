using System.Globalization;
using System.Text.Json.Nodes;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// Server-side printing: the meta.k8s.io/v1 Table that <c>kubectl get</c> asks for, with the columns
/// kubectl users know for each kind.
/// </summary>
public static class TableView
{
    public static bool IsRequested(string accept) => accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Build(string resource, IReadOnlyList<JsonObject> items, string resourceVersion, string? includeObject)
    {
        var columns = Columns(resource);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var row = new JsonObject
            {
                ["cells"] = new JsonArray(columns.Select(c => (JsonNode?)JsonValue.Create(c.Cell(item))).ToArray()),
            };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = item.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = item["metadata"]!.DeepClone(),
                    };
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name, ["type"] = "string", ["format"] = c.Name == "Name" ? "name" : "",
                ["description"] = c.Name, ["priority"] = 0,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    private sealed record Column(string Name, Func<JsonObject, string> Cell);

    private static readonly Column NameColumn = new("Name", i => ClusterState.Name(i));
    private static readonly Column AgeColumn = new("Age", i => Age(i["metadata"]?["creationTimestamp"]?.GetValue<string>()));

    private static IReadOnlyList<Column> Columns(string resource) => resource switch
    {
        "nodes" =>
        [
            NameColumn,
            new("Status", i => i["status"]?["conditions"]?.AsArray().Any(c => c?["type"]?.GetValue<string>() == "Ready" &&
                c["status"]?.GetValue<string>() == "True") == true ? "Ready" : "NotReady"),
            new("Roles", _ => "<none>"),
            AgeColumn,
            new("Version", i => i["status"]?["nodeInfo"]?["kubeletVersion"]?.GetValue<string>() ?? ""),
        ],
        "pods" =>
        [
            NameColumn,
            new("Ready", i => { var n = i["spec"]?["containers"]?.AsArray().Count ?? 0; return $"{n}/{n}"; }),
            new("Status", i => i["status"]?["phase"]?.GetValue<string>() ?? ""),
            new("Restarts", _ => "0"),
            AgeColumn,
        ],
        "services" =>
        [
            NameColumn,
            new("Type", i => i["spec"]?["type"]?.GetValue<string>() ?? ""),
            new("Cluster-IP", i => i["spec"]?["clusterIP"]?.GetValue<string>() ?? ""),
            new("External-IP", i => i["status"]?["loadBalancer"]?["ingress"]?.AsArray() is { Count: > 0 } ingress
                ? string.Join(',', ingress.Select(e => e!["ip"]?.GetValue<string>() ?? e["hostname"]?.GetValue<string>()))
                : "<none>"),
            new("Port(s)", i => string.Join(',', i["spec"]?["ports"]?.AsArray()
                .Select(p => $"{p!["port"]}/{p["protocol"]?.GetValue<string>() ?? "TCP"}") ?? [])),
            AgeColumn,
        ],
        "namespaces" => [NameColumn, new("Status", i => i["status"]?["phase"]?.GetValue<string>() ?? ""), AgeColumn],
        "serviceaccounts" => [NameColumn, new("Secrets", _ => "0"), AgeColumn],
        _ => [NameColumn, AgeColumn],
    };

    private static string Age(string? timestamp)
    {
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)) return "<unknown>";
        var age = DateTimeOffset.UtcNow - created;
        return age.TotalDays >= 1 ? $"{(int)age.TotalDays}d"
            : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes}m"
            : $"{Math.Max(0, (int)age.TotalSeconds)}s";
    }
}
