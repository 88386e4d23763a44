using k8s.Models;
using K8sComm.Core.Api;

namespace K8sComm.Core.ApiProxy;

public enum ClusterInfoEntryKind
{
    ControlPlane,
    Service,
}

/// <summary>One line of <c>kubectl cluster-info</c>: a name and where it runs.</summary>
/// <param name="Name">The service's <c>kubernetes.io/name</c> label when it has one, else its name.</param>
/// <param name="Url">The URL exactly as kubectl prints it (one per line; kubectl joins a load balancer's ports on one line).</param>
/// <param name="Port">The service port the URL names: its name, or its number for a load balancer; null for none.</param>
/// <param name="Scheme">What the URL's last hop speaks: for a proxy URL, what the API server uses to reach the service.</param>
public sealed record ClusterInfoEntry(
    string Name,
    string Url,
    ClusterInfoEntryKind Kind,
    string? Namespace = null,
    string? Service = null,
    string? Port = null,
    bool LoadBalancer = false,
    string? Scheme = null);

/// <summary>
/// kubectl's cluster-info rules (kubectl/pkg/cmd/clusterinfo): the control plane first, then every service
/// labelled <c>kubernetes.io/cluster-service=true</c>. A service with a load-balancer ingress shows
/// <c>http://INGRESS:PORT</c> for each port (IP, else hostname, of the first ingress); any other shows the
/// API server proxy URL of its first port, <c>https:</c> when that port is named https or is 443, with the
/// port's name (never its number) after the service name.
/// </summary>
public static class ClusterInfoRules
{
    public const string ClusterServiceSelector = "kubernetes.io/cluster-service=true";
    public const string NameLabel = "kubernetes.io/name";
    public const string ControlPlaneName = "Kubernetes control plane";

    /// <summary>The control plane as kubectl names it: the server as written in the kubeconfig, without query or fragment.</summary>
    public static string ControlPlaneUrl(Uri server)
    {
        var text = server.OriginalString.Trim();
        var cut = text.IndexOfAny(['?', '#']);
        return cut < 0 ? text : text[..cut];
    }

    public static IEnumerable<ClusterInfoEntry> Describe(Uri server, IEnumerable<V1Service> services)
    {
        var controlPlane = ControlPlaneUrl(server);
        yield return new ClusterInfoEntry(ControlPlaneName, controlPlane, ClusterInfoEntryKind.ControlPlane, Scheme: server.Scheme);

        var builder = new ProxyUrlBuilder(server);
        foreach (var service in services)
        {
            var name = service.Metadata?.Name ?? "";
            var ns = service.Metadata?.NamespaceProperty ?? "";
            var shown = service.Metadata?.Labels?.TryGetValue(NameLabel, out var label) == true && !string.IsNullOrEmpty(label) ? label : name;
            var ports = service.Spec?.Ports ?? [];
            var ingress = service.Status?.LoadBalancer?.Ingress?.FirstOrDefault();
            if (ingress is not null)
            {
                var host = string.IsNullOrEmpty(ingress.Ip) ? ingress.Hostname ?? "" : ingress.Ip;
                var authority = host.Contains(':') ? $"[{host}]" : host; // kubectl leaves IPv6 bare; a URL can't
                foreach (var port in ports)
                {
                    yield return new ClusterInfoEntry(shown, $"http://{authority}:{port.Port}", ClusterInfoEntryKind.Service,
                        ns, name, port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), LoadBalancer: true, Scheme: "http");
                }
                continue;
            }

            var first = ports.FirstOrDefault();
            var https = first is not null && (first.Name == "https" || first.Port == 443);
            var portName = string.IsNullOrEmpty(first?.Name) ? null : first.Name;
            var request = new ProxyRequest(ProxyTargetKind.Service, ns, name, https ? ProxyScheme.Https : ProxyScheme.Default, portName);
            yield return new ClusterInfoEntry(shown, builder.Build(request), ClusterInfoEntryKind.Service, ns, name, portName,
                Scheme: https ? "https" : "http");
        }
    }

    /// <summary>Lists the cluster services of <paramref name="ns"/> through the endpoint's client and describes them.</summary>
    public static async Task<IReadOnlyList<ClusterInfoEntry>> ReadAsync(ApiServerClient client, string ns, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsDns1123Label(ns))
        {
            throw new K8sCommException(FailureReason.ProxyNameInvalid, $"The namespace name '{ns}' is not a valid DNS-1123 label.", ns,
                ["namespace", ns, "DNS-1123 label"]);
        }
        var path = $"/api/v1/namespaces/{ns}/services?labelSelector={Uri.EscapeDataString(ClusterServiceSelector)}";
        var list = await client.GetAsync<V1ServiceList>(path, cancellationToken).ConfigureAwait(false);
        return Describe(client.Endpoint.Server, list.Items ?? []).ToList();
    }
}
