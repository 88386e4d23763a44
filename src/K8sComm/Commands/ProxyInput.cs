using System.Collections;
using System.Globalization;
using System.Management.Automation;
using K8sComm.Core;
using Proxy = K8sComm.Core.ApiProxy;

namespace K8sComm.Commands;

/// <summary>A proxy target read from a pipeline object, with the ports a service offers.</summary>
internal sealed record ProxyTarget(Proxy.ProxyTargetKind Kind, string? Namespace, string Name, IReadOnlyList<ProxyTargetPort> Ports);

/// <summary>A service port as the URL names it (its name, else its number; null for the default port), and
/// whether kubectl would guess https for it.</summary>
internal sealed record ProxyTargetPort(string? Spec, bool LooksHttps);

/// <summary>
/// Reads what New-ProxyUrl needs from an object on the pipeline: KubernetesClient's V1Service, V1Pod and V1Node,
/// items of <c>kubectl get -o json | ConvertFrom-Json</c> (kind, metadata.name, metadata.namespace, spec.ports),
/// and Get-ClusterInfo's service entries. Properties are read by name, so it does not matter which copy of
/// KubernetesClient made the object.
/// </summary>
internal static class ProxyInput
{
    public static ProxyTarget Read(object input)
    {
        var ps = PSObject.AsPSObject(input);
        if (ps.BaseObject is ClusterInfoEntry entry)
            return FromClusterInfo(entry);

        var kind = KindOf(ps) ?? throw Invalid(ps);
        var metadata = Property(ps, "metadata");
        var name = Property(metadata, "name") as string;
        if (string.IsNullOrEmpty(name))
            throw Invalid(ps);
        var ns = Property(metadata, "namespace") as string ?? Property(metadata, "NamespaceProperty") as string;
        var ports = kind == Proxy.ProxyTargetKind.Service ? ServicePorts(Property(ps, "spec")) : [];
        return new ProxyTarget(kind, string.IsNullOrEmpty(ns) ? null : ns, name, ports);
    }

    private static ProxyTarget FromClusterInfo(ClusterInfoEntry entry)
    {
        if (entry.Kind != ClusterInfoEntryKind.Service || entry.Service is null)
        {
            throw new K8sCommException(FailureReason.ProxyInputInvalid,
                $"'{entry.Name}' is the control plane, not a service.", entry, [entry.Name]);
        }
        // A load balancer's port is a number, not the port the API server proxy would name.
        IReadOnlyList<ProxyTargetPort> ports = entry.LoadBalancer
            ? []
            : [new ProxyTargetPort(entry.Port, entry.Scheme == "https")];
        return new ProxyTarget(Proxy.ProxyTargetKind.Service, entry.Namespace, entry.Service, ports);
    }

    private static Proxy.ProxyTargetKind? KindOf(PSObject ps)
    {
        var kind = Property(ps, "kind") as string;
        if (string.IsNullOrEmpty(kind))
        {
            // Objects built in a script (or by a client that drops kind) still say what they are by type.
            kind = ps.BaseObject.GetType().Name switch
            {
                "V1Service" => "Service",
                "V1Pod" => "Pod",
                "V1Node" => "Node",
                _ => null,
            };
        }
        return kind switch
        {
            "Service" => Proxy.ProxyTargetKind.Service,
            "Pod" => Proxy.ProxyTargetKind.Pod,
            "Node" => Proxy.ProxyTargetKind.Node,
            _ => null,
        };
    }

    private static List<ProxyTargetPort> ServicePorts(object? spec)
    {
        var result = new List<ProxyTargetPort>();
        if (Property(spec, "ports") is not { } ports || ports is string)
            return result;
        foreach (var port in ports as IEnumerable ?? new[] { ports })
        {
            var name = Property(port, "name") as string;
            var number = Property(port, "port") is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;
            var named = string.IsNullOrEmpty(name) ? number.ToString(CultureInfo.InvariantCulture) : name;
            if (named != "0")
                result.Add(new ProxyTargetPort(named, name == "https" || number == 443));
        }
        return result;
    }

    /// <summary>A property by name, ignoring case: of a PowerShell object, a dictionary or a .NET object.</summary>
    private static object? Property(object? target, string name)
    {
        switch (target)
        {
            case null:
                return null;
            case PSObject ps when ps.BaseObject is IDictionary dictionary && ps.BaseObject is not PSCustomObject:
                return Lookup(dictionary, name);
            case IDictionary dictionary:
                return Lookup(dictionary, name);
        }
        var value = PSObject.AsPSObject(target).Properties[name]?.Value;
        return value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
    }

    private static object? Lookup(IDictionary dictionary, string name)
    {
        if (dictionary.Contains(name))
            return dictionary[name];
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                return entry.Value;
        }
        return null;
    }

    private static K8sCommException Invalid(PSObject ps)
    {
        var what = ps.BaseObject is PSCustomObject ? "a custom object" : ps.BaseObject.GetType().Name;
        if (Property(ps, "kind") is string kind && kind.Length > 0)
            what += $" of kind '{kind}'";
        return new K8sCommException(FailureReason.ProxyInputInvalid,
            $"The input ({what}) is not a service, pod or node: it needs a kind and a metadata.name.", ps, [what]);
    }
}
