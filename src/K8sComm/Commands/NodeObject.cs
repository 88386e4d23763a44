using System.Collections;
using System.Management.Automation;

namespace K8sComm.Commands;

/// <summary>
/// Reads a node that arrives on the pipeline, whatever made it: a KubernetesClient V1Node (of the
/// caller's own copy of the library, so not our type) or kubectl's JSON through ConvertFrom-Json. Both
/// have the same property paths; PowerShell's property lookup ignores case, so Metadata and metadata
/// alike are found.
/// </summary>
internal static class NodeObject
{
    /// <summary>What a kubelet check needs of the node (name, addresses by type, kubelet port), or null
    /// without a name.</summary>
    public static (string Name, List<KeyValuePair<string, string>> Addresses, int? KubeletPort)? From(PSObject metadata, PSObject? status)
    {
        if (Property(metadata, "name") is not string { Length: > 0 } name)
            return null;

        var addresses = new List<KeyValuePair<string, string>>();
        if (Property(status, "addresses") is IEnumerable list and not string)
        {
            foreach (var item in list)
            {
                if (Property(item, "type") is { } type && Property(item, "address") is { } address)
                    addresses.Add(new(type.ToString()!, address.ToString()!));
            }
        }

        var port = Property(Property(Property(status, "daemonEndpoints"), "kubeletEndpoint"), "port");
        return (name, addresses, port is null ? null : LanguagePrimitives.ConvertTo<int>(port));
    }

    private static object? Property(object? value, string name)
    {
        if (value is null)
            return null;
        var found = PSObject.AsPSObject(value).Properties[name]?.Value;
        return found is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : found;
    }
}
